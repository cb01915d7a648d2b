package org.diskpaxos.paxos.disk;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.IoBuffer;

/**
 * Aligned I/O buffers of the lease areas on one disk, reused by every {@link DiskRankedRegister} of those areas (one
 * per consensus instance) and by their leader writes, so that deciding an instance does not allocate, zero and
 * page-fault a fresh direct buffer of up to the whole area (1 MiB for 2000 hosts at 512 bytes, 8 MiB at 4096) per
 * disk and phase, nor a release a new direct buffer for its leader write. One pool may serve one area or all the
 * areas of a disk that share an event loop ({@link DiskPaxosResource.Disk}).
 *
 * <p>Rules: a buffer is given back only once no I/O owns it — after its on-time result, or after the late result of
 * an I/O that timed out ({@link IoBuffer#inFlight()} false) — so a device still reading into or writing from a buffer
 * never shares it with a new I/O. Confined to its event loop, like the registers. At most {@link #POOLED_MAX} free
 * buffers of each size are kept; others are dropped to the garbage collector.
 */
public final class BufferPool {

    /** Free buffers of one size kept for reuse. */
    public static final int POOLED_MAX = 8;
    /** Alignment of every buffer: a page, enough for O_DIRECT with either sector size. */
    public static final int ALIGNMENT_BYTES = 4096;

    private final ArrayDeque<IoBuffer> free = new ArrayDeque<>();
    private long allocated;

    /** A buffer of at least {@code lengthBytes}: a free one of exactly that size, else a new one. */
    public IoBuffer take(int lengthBytes) {
        for (Iterator<IoBuffer> it = free.iterator(); it.hasNext(); ) {
            IoBuffer b = it.next();
            if (b.capacity() == lengthBytes) {
                it.remove();
                return b;
            }
        }
        allocated++;
        return new IoBuffer(aligned(lengthBytes));
    }

    /** Returns a buffer no I/O owns any more. */
    public void give(IoBuffer buffer) {
        if (buffer.inFlight()) {
            throw new IllegalStateException("a buffer still owned by an I/O cannot be reused");
        }
        int sameSize = 0;
        for (Iterator<IoBuffer> it = free.iterator(); it.hasNext(); ) {
            if (it.next().capacity() == buffer.capacity() && ++sameSize >= POOLED_MAX) {
                it.remove(); // the least recently given of its size
            }
        }
        free.push(buffer);
    }

    /** Buffers allocated so far (not taken from the pool), for tests and statistics. */
    public long allocated() {
        return allocated;
    }

    /** Free buffers in the pool now. */
    public int freeCount() {
        return free.size();
    }

    static ByteBuffer aligned(int lengthBytes) {
        if (lengthBytes <= 0) {
            throw new IllegalArgumentException("buffer length must be positive, got " + lengthBytes);
        }
        // Large ones (a ballot read of many host blocks) go on huge pages: BlockDevices.HUGE_PAGE_BUFFER_MIN_BYTES.
        return BlockDevices.alignedDirectBuffer(lengthBytes, ALIGNMENT_BYTES);
    }
}
