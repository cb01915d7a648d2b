package org.diskpaxos.blockdev;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A device in a heap array, for tests. Not shareable across hosts; {@code sync} does nothing.
 *
 * <p>Thread-safe for distinct sectors: transfers copy with absolute bulk operations on a shared buffer and never
 * touch its position. A release fence after each write and an acquire fence before each read make a completed write
 * visible to a later read in another thread, as a real disk would.
 */
public final class MemoryBlockDevice extends AbstractBlockDevice {
    /** Largest memory device: 1 GiB. */
    public static final long MAX_SIZE_BYTES = 1L << 30;

    private final ByteBuffer memory;

    /**
     * A zero-filled device of {@code sizeBytes} with {@code sectorSizeBytes} (512 or 4096) sectors.
     *
     * @throws IllegalArgumentException size not a positive multiple of the sector size, or over 1 GiB
     */
    public MemoryBlockDevice(String name, long sizeBytes, int sectorSizeBytes) {
        super(name, checkSize(name, sizeBytes), sectorSizeBytes, sectorSizeBytes, false);
        this.memory = ByteBuffer.allocate((int) sizeBytes);
    }

    private static long checkSize(String name, long sizeBytes) {
        if (sizeBytes > MAX_SIZE_BYTES) {
            throw new IllegalArgumentException(name + ": memory device of " + sizeBytes + " bytes exceeds the "
                    + MAX_SIZE_BYTES + "-byte limit");
        }
        return sizeBytes;
    }

    @Override
    protected void readChecked(long offsetBytes, ByteBuffer dst, int length) {
        VarHandle.acquireFence();
        dst.put(dst.position(), memory, (int) offsetBytes, length);
        dst.position(dst.position() + length);
    }

    @Override
    protected void writeChecked(long offsetBytes, ByteBuffer src, int length) {
        memory.put((int) offsetBytes, src, src.position(), length);
        src.position(src.position() + length);
        VarHandle.releaseFence();
    }

    /** A copy of every byte, even after close; for tests that check what a device holds. */
    byte[] copyOfContents() {
        VarHandle.acquireFence();
        return memory.array().clone();
    }

    @Override
    protected void syncChecked() {
        // Memory has nothing to flush.
    }

    @Override
    protected void closeResources() {
        // The array goes with the garbage collector.
    }

    @Override
    public ByteBuffer allocateBuffer(int lengthBytes) {
        return ByteBuffer.allocate(lengthBytes);
    }

    @Override
    public boolean isShareableAcrossHosts() {
        return false;
    }
}
