/**
 * Simulated passive disks. A {@link org.diskpaxos.sim.disk.SimDisk} is a {@link org.diskpaxos.sim.disk.MemoryMedium}
 * under a stack of fault decorators, each doing one thing (FoundationDB's style), and gives each host incarnation
 * a {@link org.diskpaxos.sim.disk.SimDiskPort}: an {@code AsyncBlockDevice} that keeps the production contract.
 *
 * <table>
 *   <caption>Decorators</caption>
 *   <tr><th>decorator</th><th>fault</th></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.LatencyDisk}</td><td>latency each way from the disk's distribution;
 *       reorders concurrent I/O</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.SectorSplitDisk}</td><td>multi-sector I/O atomic per sector only</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.UnresponsiveDisk}</td><td>the disk, or one host's path to it, stops
 *       answering</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.StallDisk}</td><td>timeouts with late completions</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.CrashDropDisk}</td><td>I/O in flight at a host crash may not land</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.ErrorDisk}</td><td>EIO, nothing transferred</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.TornWriteDisk}</td><td>some whole sectors of a write land</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.MisdirectDisk}</td><td>I/O at the wrong sectors</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.BitFlipDisk}</td><td>one bit flipped in data read or stored</td></tr>
 *   <tr><td>{@link org.diskpaxos.sim.disk.WriteCacheDisk}</td><td>unsynced writes lost or corrupted on power
 *       loss</td></tr>
 * </table>
 *
 * <p>Every injected fault is reported as a {@link org.diskpaxos.sim.disk.DiskFaultEvent} and marks the request, so
 * an oracle can tell instructed misbehaviour from a bug. Glossary: <em>medium</em>, the byte image; <em>apply</em>,
 * the instant the medium transfers a request; <em>port</em>, one host incarnation's view.
 */
package org.diskpaxos.sim.disk;
