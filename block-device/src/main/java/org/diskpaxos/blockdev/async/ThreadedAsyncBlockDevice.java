package org.diskpaxos.blockdev.async;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.blockdev.BlockDevice;

/**
 * An {@link AsyncBlockDevice} over a blocking {@link BlockDevice}: worker threads do the I/O, timers on the
 * {@link EventLoop} enforce per-I/O timeouts, results are delivered on the loop.
 *
 * <p>Each I/O moves through one state machine, decided by compare-and-set so the worker and the timer never both
 * win:
 * <pre>
 *   PENDING --worker finishes first--> DONE       : one on-time result (OK or FAILED)
 *   PENDING --timer fires first------> TIMED_OUT  : TIMED_OUT result now, buffer stays claimed,
 *   TIMED_OUT --worker finishes------> LATE_DONE  : then one late result (OK or FAILED), buffer released
 * </pre>
 * The buffer is released on the loop immediately before the callback that ends the I/O, so the callback may
 * reuse it at once. An I/O that timed out while still queued is not performed at all: its late result is FAILED
 * "not performed", which matters for writes (a timed-out write never lands later).
 *
 * <p>Limits: {@code workerThreads} I/Os run at once; at most {@code maxInFlight} are accepted and not yet
 * finished by a worker (timed-out ones included: they still hold a worker). Beyond that a submission gets a FAILED
 * result ("queue full"), never a block. Bad requests (misaligned, out of range, buffer too small or still in
 * flight) throw at submission and do nothing.
 *
 * <p>The device is not closed by {@link #close()}; its owner closes it after this.
 */
public final class ThreadedAsyncBlockDevice implements AsyncBlockDevice {
    public static final int MAX_WORKER_THREADS = 64;
    public static final int MAX_IN_FLIGHT = 65_536;
    /** How long {@link #close()} waits for workers stuck in I/O. */
    static final long CLOSE_WAIT_MS = 2_000;
    /** How long a worker retries handing a result to a full event loop before dropping it. */
    static final long DELIVERY_RETRY_LIMIT_MS = 10_000;

    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;
    private static final int LATE_DONE = 3;

    private final BlockDevice device;
    private final EventLoop loop;
    private final int maxInFlight;
    private final ArrayBlockingQueue<Op> queue;
    private final Thread[] workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    public ThreadedAsyncBlockDevice(BlockDevice device, EventLoop loop, int workerThreads, int maxInFlight) {
        if (workerThreads < 1 || workerThreads > MAX_WORKER_THREADS) {
            throw new IllegalArgumentException(device.name() + ": worker threads must be 1 to " + MAX_WORKER_THREADS
                    + ", got " + workerThreads);
        }
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException(device.name() + ": maxInFlight must be 1 to " + MAX_IN_FLIGHT
                    + ", got " + maxInFlight);
        }
        this.device = device;
        this.loop = loop;
        this.maxInFlight = maxInFlight;
        this.queue = new ArrayBlockingQueue<>(maxInFlight);
        this.workers = new Thread[workerThreads];
        for (int i = 0; i < workerThreads; i++) {
            workers[i] = new Thread(this::work, device.name() + "-io-" + i);
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long sizeBytes() {
        return device.sizeBytes();
    }

    @Override
    public int logicalSectorSizeBytes() {
        return device.logicalSectorSizeBytes();
    }

    /** I/Os accepted and not yet finished by a worker. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
                     IoCallback callback) {
        submit(new Op(ioId, IoResult.Kind.READ, offsetBytes, buffer, lengthBytes, callback), timeoutNs);
    }

    @Override
    public void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
                      IoCallback callback) {
        submit(new Op(ioId, IoResult.Kind.WRITE, offsetBytes, buffer, lengthBytes, callback), timeoutNs);
    }

    @Override
    public void sync(long ioId, long timeoutNs, IoCallback callback) {
        submit(new Op(ioId, IoResult.Kind.SYNC, 0, null, 0, callback), timeoutNs);
    }

    private void submit(Op op, long timeoutNs) {
        Objects.requireNonNull(op.callback, "callback");
        if (op.kind != IoResult.Kind.SYNC) {
            checkRequest(op);
            op.buffer.claim(name());
        }
        if (closed) {
            failNow(op, name() + ": the device is closed");
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            failNow(op, name() + ": queue full (" + maxInFlight + " I/Os in flight); the device is slow or stuck");
            return;
        }
        if (timeoutNs > 0) {
            op.timer = loop.schedule(timeoutNs, op::onTimeout);
        }
        if (!queue.offer(op)) {
            inFlight.decrementAndGet();
            op.finish(IoResult.Status.FAILED, new IOException(name() + ": queue full"), false);
        }
    }

    private void checkRequest(Op op) {
        Objects.requireNonNull(op.buffer, "buffer");
        int sector = device.logicalSectorSizeBytes();
        if (op.lengthBytes < 0 || op.lengthBytes > op.buffer.capacity()) {
            throw new IllegalArgumentException(name() + ": " + op.kind + " of " + op.lengthBytes
                    + " bytes does not fit the buffer of " + op.buffer.capacity() + " bytes");
        }
        if (op.offsetBytes < 0 || op.offsetBytes % sector != 0 || op.lengthBytes % sector != 0) {
            throw new IllegalArgumentException(name() + ": " + op.kind + " of " + op.lengthBytes + " bytes at offset "
                    + op.offsetBytes + " is not whole " + sector + "-byte sectors");
        }
        if (op.offsetBytes > device.sizeBytes() - op.lengthBytes) {
            throw new IllegalArgumentException(name() + ": " + op.kind + " of " + op.lengthBytes + " bytes at offset "
                    + op.offsetBytes + " goes past the end of the device (" + device.sizeBytes() + " bytes)");
        }
    }

    /** A submission refused without I/O: FAILED on the loop, buffer released first. */
    private void failNow(Op op, String reason) {
        op.state.set(DONE);
        deliver(op, new IoResult(op.ioId, op.kind, IoResult.Status.FAILED, new IOException(reason), false));
    }

    private void work() {
        while (true) {
            Op op;
            try {
                op = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                perform(op);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void perform(Op op) {
        if (op.state.get() == TIMED_OUT) {
            op.finish(IoResult.Status.FAILED, new IOException(name() + ": " + op.kind + " at offset " + op.offsetBytes
                    + " not performed: it timed out while queued"), true);
            return;
        }
        try {
            switch (op.kind) {
                case READ:
                    device.read(op.offsetBytes, view(op));
                    break;
                case WRITE:
                    device.write(op.offsetBytes, view(op));
                    break;
                default:
                    device.sync();
                    break;
            }
            op.finish(IoResult.Status.OK, null, false);
        } catch (IOException e) {
            op.finish(IoResult.Status.FAILED, e, false);
        } catch (RuntimeException e) {
            op.finish(IoResult.Status.FAILED, new IOException(name() + ": " + op.kind + " at offset "
                    + op.offsetBytes + " failed: " + e, e), false);
        }
    }

    private static ByteBuffer view(Op op) {
        return op.buffer.bytes().duplicate().clear().limit(op.lengthBytes);
    }

    /** Runs the ending callback on the loop, releasing the buffer just before; retries while the loop is full. */
    private void deliver(Op op, IoResult result) {
        Runnable end = () -> {
            if (op.buffer != null) {
                op.buffer.release();
            }
            op.callback.onResult(result);
        };
        long giveUpNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELIVERY_RETRY_LIMIT_MS);
        while (true) {
            try {
                loop.execute(end);
                return;
            } catch (RejectedExecutionException e) {
                if (System.nanoTime() - giveUpNs > 0 || Thread.currentThread().isInterrupted()) {
                    System.err.println(name() + ": dropped the result of I/O " + op.ioId + " (" + result.status()
                            + "): " + e.getMessage());
                    if (op.buffer != null && op.buffer.inFlight()) {
                        op.buffer.release();
                    }
                    return;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Stops accepting I/O (later submissions get FAILED results), fails the I/Os still queued, stops the workers and
     * waits a bounded time for those inside a device call. Does not close the device.
     */
    @Override
    public void close() {
        closed = true;
        for (Op op; (op = queue.poll()) != null; ) {
            inFlight.decrementAndGet();
            op.finish(IoResult.Status.FAILED, new IOException(name() + ": " + op.kind + " at offset "
                    + op.offsetBytes + " not performed: the device was closed"), false);
        }
        for (Thread w : workers) {
            w.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        for (Thread w : workers) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs > 0) {
                try {
                    w.join(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One I/O and its state machine (see the class comment). */
    private final class Op {
        final long ioId;
        final IoResult.Kind kind;
        final long offsetBytes;
        final IoBuffer buffer;
        final int lengthBytes;
        final IoCallback callback;
        final AtomicInteger state = new AtomicInteger(PENDING);
        volatile EventLoop.Scheduled timer;

        Op(long ioId, IoResult.Kind kind, long offsetBytes, IoBuffer buffer, int lengthBytes, IoCallback callback) {
            this.ioId = ioId;
            this.kind = kind;
            this.offsetBytes = offsetBytes;
            this.buffer = buffer;
            this.lengthBytes = lengthBytes;
            this.callback = callback;
        }

        /** On the loop: the timeout won if the I/O is still pending. The buffer stays claimed. */
        void onTimeout() {
            if (state.compareAndSet(PENDING, TIMED_OUT)) {
                callback.onResult(new IoResult(ioId, kind, IoResult.Status.TIMED_OUT, null, false));
            }
        }

        /** The device is done with this I/O; delivers the on-time or the late result. */
        void finish(IoResult.Status status, IOException error, boolean knownLate) {
            if (!knownLate && state.compareAndSet(PENDING, DONE)) {
                EventLoop.Scheduled t = timer;
                if (t != null) {
                    t.cancel();
                }
                deliver(this, new IoResult(ioId, kind, status, error, false));
            } else if (state.compareAndSet(TIMED_OUT, LATE_DONE)) {
                deliver(this, new IoResult(ioId, kind, status, error, true));
            }
        }
    }
}
