/**
 * Disks addressed in whole sectors: the {@link org.diskpaxos.blockdev.BlockDevice} interface and its backends.
 *
 * <ul>
 *   <li>{@code DirectBlockDevice}: {@code O_DIRECT + O_DSYNC} through the native module, for files and raw block
 *       devices alike; the only backend whose writes other hosts see.</li>
 *   <li>{@code MappedBlockDevice}: a file mapped with Chronicle Bytes, {@code msync} on {@code sync()}; one host
 *       only.</li>
 *   <li>{@link org.diskpaxos.blockdev.MemoryBlockDevice}: a byte array, for tests.</li>
 *   <li>{@link org.diskpaxos.blockdev.BlockRegion}: a window (offset + length) of another device, so a lockspace
 *       can live inside a bigger disk.</li>
 * </ul>
 * {@link org.diskpaxos.blockdev.BlockDevices} opens them. Every transfer is checked (alignment, range, read-only,
 * closed) in {@link org.diskpaxos.blockdev.AbstractBlockDevice} before any byte moves, and every error names the
 * device and what to do.
 */
package org.diskpaxos.blockdev;
