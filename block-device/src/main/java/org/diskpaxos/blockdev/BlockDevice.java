package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disk, or part of one, addressed in whole logical sectors.
 *
 * <p>Every transfer starts at a multiple of {@link #logicalSectorSizeBytes()} and moves a multiple of it;
 * anything else is refused with an {@link IllegalArgumentException} that names the device, before any byte
 * is written. A transfer is all or nothing from the caller's view: it moves every byte or throws.
 *
 * <p>Implementations are thread-safe for I/O to distinct sectors. Two concurrent writes to the same sector, or a
 * read concurrent with a write of it, have no defined order; the protocols above never issue them.
 *
 * <p>Buffers: direct-I/O backends need buffers aligned to the logical sector size. Get them from
 * {@link #allocateBuffer(int)}; a backend that needs alignment copies through an aligned bounce buffer when handed
 * one that is not, so any buffer works, but an aligned one avoids the copy.
 */
public interface BlockDevice extends AutoCloseable {

    /** What to call this device in messages: a path, plus an offset for a region. */
    String name();

    /** Usable size in bytes; a multiple of the logical sector size. */
    long sizeBytes();

    /** The unit of addressing and of atomic writes: 512 or 4096. */
    int logicalSectorSizeBytes();

    /** The device's physical sector size (≥ logical); writes of this size avoid read-modify-write in the disk. */
    int physicalSectorSizeBytes();

    /**
     * Reads {@code dst.remaining()} bytes starting at {@code offsetBytes} into {@code dst}, advancing its position.
     *
     * @throws IllegalArgumentException misaligned offset or length, or a range past the end; nothing is read
     * @throws IOException the device failed; the message names the device and the offset
     */
    void read(long offsetBytes, ByteBuffer dst) throws IOException;

    /**
     * Writes {@code src.remaining()} bytes at {@code offsetBytes}, advancing its position. When this returns the
     * data has reached the device as far as the backend promises (direct I/O with O_DSYNC: durable; mapped and
     * memory: visible to other users of the same mapping, durable only after {@link #sync()}).
     *
     * @throws IllegalArgumentException misaligned offset or length, or a range past the end; nothing is written
     * @throws IOException the device failed or is read-only; the message names the device and the offset
     */
    void write(long offsetBytes, ByteBuffer src) throws IOException;

    /** Makes every completed write durable (fdatasync, msync). */
    void sync() throws IOException;

    /** A buffer of {@code lengthBytes} aligned for this device's direct I/O; position 0, limit = capacity. */
    ByteBuffer allocateBuffer(int lengthBytes);

    /**
     * Whether processes on other hosts that open the same storage see this device's writes. True for direct I/O;
     * false for memory-mapped files (another host's page cache is stale) and for memory.
     */
    boolean isShareableAcrossHosts();

    /** Whether writes are refused (opened read-only, or a read-only device). */
    boolean isReadOnly();

    @Override
    void close() throws IOException;
}
