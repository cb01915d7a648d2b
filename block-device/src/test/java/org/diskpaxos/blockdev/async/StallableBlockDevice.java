package org.diskpaxos.blockdev.async;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.blockdev.AbstractBlockDevice;
import org.diskpaxos.blockdev.MemoryBlockDevice;

/** A memory device whose I/O can be held at a gate (a hung disk) or made to fail once, for the async tests. */
final class StallableBlockDevice extends AbstractBlockDevice {
    final MemoryBlockDevice inner;
    final AtomicInteger started = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile IOException failNext;

    StallableBlockDevice(long sizeBytes, int sectorBytes) {
        super("stallable", sizeBytes, sectorBytes, sectorBytes, false);
        inner = new MemoryBlockDevice("stallable-inner", sizeBytes, sectorBytes);
    }

    /** From now on every I/O waits at the gate until {@link #unstall()}. */
    void stall() {
        gate = new CountDownLatch(1);
    }

    void unstall() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** The next I/O to pass the gate fails with {@code e}. */
    void failNext(IOException e) {
        failNext = e;
    }

    /** Waits until {@code n} I/Os have started in total. */
    void awaitStarted(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (started.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + started.get() + " of " + n + " I/Os started");
            }
            Thread.sleep(1);
        }
    }

    private void pass() throws IOException {
        started.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException("stallable: interrupted while stalled");
            }
        }
        IOException f = failNext;
        if (f != null) {
            failNext = null;
            throw f;
        }
    }

    @Override
    protected void readChecked(long offsetBytes, ByteBuffer dst, int length) throws IOException {
        pass();
        inner.read(offsetBytes, dst);
    }

    @Override
    protected void writeChecked(long offsetBytes, ByteBuffer src, int length) throws IOException {
        pass();
        inner.write(offsetBytes, src);
    }

    @Override
    protected void syncChecked() throws IOException {
        pass();
    }

    @Override
    protected void closeResources() throws IOException {
        inner.close();
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
