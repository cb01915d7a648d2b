package org.diskpaxos.nativeio;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Native memory whose first byte sits at a multiple of a power-of-two alignment, seen as a direct
 * {@link ByteBuffer}; what {@code O_DIRECT} needs for its buffers.
 *
 * <p>The memory is freed by {@link #close()}, not by the garbage collector's schedule, so a program doing heavy
 * direct I/O does not pile up native memory. Invariant: after {@code close()} the buffer is never handed out again;
 * a caller that kept the {@link ByteBuffer} itself must not touch it (it would read freed memory).
 */
public final class AlignedBuffer implements AutoCloseable {
    /** Largest buffer this class hands out: 1 GiB. */
    public static final int MAX_CAPACITY_BYTES = 1 << 30;
    /** Largest alignment: 1 MiB. */
    public static final int MAX_ALIGNMENT_BYTES = 1 << 20;

    private final Memory memory;
    private final ByteBuffer buffer;
    private final int capacityBytes;
    private final int alignmentBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AlignedBuffer(int capacityBytes, int alignmentBytes) {
        this.capacityBytes = capacityBytes;
        this.alignmentBytes = alignmentBytes;
        LibC.load();
        this.memory = new Memory((long) capacityBytes + alignmentBytes);
        long base = com.sun.jna.Pointer.nativeValue(memory);
        long skip = (alignmentBytes - (base & (alignmentBytes - 1))) & (alignmentBytes - 1);
        this.buffer = memory.getByteBuffer(skip, capacityBytes);
    }

    /**
     * Allocates {@code capacityBytes} of zeroed native memory aligned to {@code alignmentBytes}.
     *
     * @throws IllegalArgumentException capacity not in [1, 1 GiB] or alignment not a power of two in [1, 1 MiB]
     */
    public static AlignedBuffer allocate(int capacityBytes, int alignmentBytes) {
        if (capacityBytes < 1 || capacityBytes > MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("aligned buffer capacity must be between 1 and "
                    + MAX_CAPACITY_BYTES + " bytes, got " + capacityBytes);
        }
        if (alignmentBytes < 1 || alignmentBytes > MAX_ALIGNMENT_BYTES || Integer.bitCount(alignmentBytes) != 1) {
            throw new IllegalArgumentException("aligned buffer alignment must be a power of two between 1 and "
                    + MAX_ALIGNMENT_BYTES + " bytes, got " + alignmentBytes);
        }
        AlignedBuffer b = new AlignedBuffer(capacityBytes, alignmentBytes);
        b.memory.clear();
        return b;
    }

    /** The memory as a direct buffer: position 0, limit = capacity, big-endian as every new ByteBuffer. */
    public ByteBuffer buffer() {
        if (closed.get()) {
            throw new IllegalStateException("aligned buffer of " + capacityBytes + " bytes is closed");
        }
        return buffer;
    }

    public int capacityBytes() {
        return capacityBytes;
    }

    public int alignmentBytes() {
        return alignmentBytes;
    }

    /** Frees the memory now. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            memory.close();
        }
    }
}
