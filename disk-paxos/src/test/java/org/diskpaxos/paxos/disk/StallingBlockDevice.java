package org.diskpaxos.paxos.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.blockdev.BlockDevice;

/**
 * A test decorator for a real {@link BlockDevice}: while stalled, every transfer and sync blocks at a gate before
 * reaching the device — a disk that stopped answering. Unstalling lets the held I/O through, so late completions
 * arrive as they would from a disk that recovers. Closing unstalls first.
 */
final class StallingBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    private volatile CountDownLatch gate;

    StallingBlockDevice(BlockDevice inner) {
        this.inner = inner;
    }

    /** From now on I/O waits at the gate. */
    void stall() {
        gate = new CountDownLatch(1);
    }

    /** Lets the waiting I/O and all later I/O through. */
    void unstall() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** I/Os that had to wait at the gate so far. */
    int held() {
        return held.get();
    }

    /** I/Os that reached the device. */
    int passed() {
        return passed.get();
    }

    private void pass() throws IOException {
        CountDownLatch g = gate;
        if (g != null) {
            held.incrementAndGet();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(name() + ": interrupted while stalled");
            }
        }
        passed.incrementAndGet();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public long sizeBytes() {
        return inner.sizeBytes();
    }

    @Override
    public int logicalSectorSizeBytes() {
        return inner.logicalSectorSizeBytes();
    }

    @Override
    public int physicalSectorSizeBytes() {
        return inner.physicalSectorSizeBytes();
    }

    @Override
    public void read(long offsetBytes, ByteBuffer dst) throws IOException {
        pass();
        inner.read(offsetBytes, dst);
    }

    @Override
    public void write(long offsetBytes, ByteBuffer src) throws IOException {
        pass();
        inner.write(offsetBytes, src);
    }

    @Override
    public void sync() throws IOException {
        pass();
        inner.sync();
    }

    @Override
    public ByteBuffer allocateBuffer(int lengthBytes) {
        return inner.allocateBuffer(lengthBytes);
    }

    @Override
    public boolean isShareableAcrossHosts() {
        return inner.isShareableAcrossHosts();
    }

    @Override
    public boolean isReadOnly() {
        return inner.isReadOnly();
    }

    @Override
    public void close() throws IOException {
        unstall();
        inner.close();
    }
}
