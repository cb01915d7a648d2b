package org.diskpaxos.blockdev.async;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable writes by group commit: over a device opened with {@code O_DIRECT} but <em>without</em> {@code O_DSYNC}
 * ({@link org.diskpaxos.blockdev.BlockDeviceOptions#withDsync}), a write is reported OK only once an
 * {@code fdatasync} that <em>started after the write completed</em> has succeeded — the guarantee an
 * {@code O_DSYNC} write gives — but the writes of everyone waiting at the same time share one {@code fdatasync}
 * (ZooKeeper's and PostgreSQL's group commit). Callers therefore treat it like an {@code O_DSYNC} device:
 * {@code syncAfterWrite = false}, and {@link #sync} completes at once.
 *
 * <h2>Batches</h2>
 * <pre>
 *   write W completes on the device ──▶ W joins the open batch
 *   no sync running        ──▶ start one sync for the open batch now
 *   a sync S running       ──▶ W waits: S may have started before W reached the device
 *   S completes            ──▶ S's batch gets S's outcome; the open batch (if any) starts the next sync
 * </pre>
 * Each write's fate is decided by the first sync that started after it completed: if that sync fails, the write is
 * FAILED (its data may be lost in the device's volatile cache), even if a later sync succeeds. So at most two syncs
 * are ever outstanding per write, and one runs at a time.
 *
 * <p>Timeouts cover write and sync together: a write not durable within its timeout gets TIMED_OUT, then one late
 * result when its write and sync are done (its buffer is free by then). Reads pass straight through.
 *
 * <p>Limits: at most {@link #WAITING_MAX} writes wait for a sync; beyond that a write fails at once. Thread-safe:
 * submissions may come from any thread; results arrive on the loop.
 */
public final class GroupCommitDevice implements AsyncBlockDevice {
    /** Writes that may wait for a sync at once. */
    public static final int WAITING_MAX = 65_536;

    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;
    private static final int LATE_DONE = 3;

    private final AsyncBlockDevice device;
    private final EventLoop loop;
    private final Object lock = new Object();
    private List<Write> open = new ArrayList<>();
    private boolean syncing;
    private int waiting;
    private long nextSyncId = Long.MIN_VALUE;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong writesSynced = new AtomicLong();

    /**
     * @param device a device whose writes are not durable until synced, delivering on {@code loop}; not closed by
     *               {@link #close()}
     */
    public GroupCommitDevice(AsyncBlockDevice device, EventLoop loop) {
        this.device = Objects.requireNonNull(device, "device");
        this.loop = Objects.requireNonNull(loop, "loop");
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

    /** fdatasync calls made so far. */
    public long syncs() {
        return syncs.get();
    }

    /** Writes made durable (or failed) by those syncs. */
    public long writesSynced() {
        return writesSynced.get();
    }

    @Override
    public void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
                     IoCallback callback) {
        device.read(ioId, offsetBytes, buffer, lengthBytes, timeoutNs, callback);
    }

    @Override
    public void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
                      IoCallback callback) {
        Objects.requireNonNull(callback, "callback");
        Write w = new Write(ioId, callback);
        // The device call validates and claims the buffer (throwing for bad requests) before anything is scheduled.
        device.write(ioId, offsetBytes, buffer, lengthBytes, 0, result -> written(w, result));
        if (timeoutNs > 0) {
            w.timer = loop.schedule(timeoutNs, w::onTimeout);
        }
    }

    /** Every write reported OK is already durable, so a sync has nothing left to do. */
    @Override
    public void sync(long ioId, long timeoutNs, IoCallback callback) {
        Objects.requireNonNull(callback, "callback");
        loop.execute(() -> callback.onResult(new IoResult(ioId, IoResult.Kind.SYNC, IoResult.Status.OK, null,
                false)));
    }

    /** On the loop: the write reached the device (or failed); queue it for the next sync. */
    private void written(Write w, IoResult result) {
        if (!result.ok()) {
            w.finish(result.status() == IoResult.Status.TIMED_OUT ? IoResult.Status.FAILED : result.status(),
                    result.error());
            return;
        }
        List<Write> start = null;
        synchronized (lock) {
            if (waiting >= WAITING_MAX) {
                start = List.of();
            } else {
                waiting++;
                open.add(w);
                if (!syncing) {
                    syncing = true;
                    start = open;
                    open = new ArrayList<>();
                }
            }
        }
        if (start == null) {
            return;
        }
        if (start.isEmpty()) {
            w.finish(IoResult.Status.FAILED, new IOException(name() + ": " + WAITING_MAX
                    + " writes are waiting for a sync; the device is slow or stuck"));
            return;
        }
        startSync(start);
    }

    private void startSync(List<Write> batch) {
        long id;
        synchronized (lock) {
            id = nextSyncId++;
        }
        syncs.incrementAndGet();
        device.sync(id, 0, result -> synced(batch, result));
    }

    /** On the loop: a sync ended; its batch gets its outcome, and the next batch starts. */
    private void synced(List<Write> batch, IoResult result) {
        List<Write> next = null;
        synchronized (lock) {
            waiting -= batch.size();
            if (open.isEmpty()) {
                syncing = false;
            } else {
                next = open;
                open = new ArrayList<>();
            }
        }
        writesSynced.addAndGet(batch.size());
        IOException error = result.ok() ? null : new IOException(name() + ": fdatasync after the write failed"
                + (result.error() == null ? "" : ": " + result.error().getMessage()), result.error());
        for (Write w : batch) {
            w.finish(result.ok() ? IoResult.Status.OK : IoResult.Status.FAILED, error);
        }
        if (next != null) {
            startSync(next);
        }
    }

    /** Stops nothing of its own: the underlying device's owner closes it. */
    @Override
    public void close() {
        // no resources of our own; pending writes end when the underlying device fails or finishes them
    }

    /** One write's state machine, as in {@link ThreadedAsyncBlockDevice}: one on-time result, then maybe a late one. */
    private final class Write {
        final long ioId;
        final IoCallback callback;
        final AtomicInteger state = new AtomicInteger(PENDING);
        volatile EventLoop.Scheduled timer;

        Write(long ioId, IoCallback callback) {
            this.ioId = ioId;
            this.callback = callback;
        }

        /** On the loop. */
        void onTimeout() {
            if (state.compareAndSet(PENDING, TIMED_OUT)) {
                callback.onResult(new IoResult(ioId, IoResult.Kind.WRITE, IoResult.Status.TIMED_OUT, null, false));
            }
        }

        /** On the loop: write and sync are over. */
        void finish(IoResult.Status status, IOException error) {
            if (state.compareAndSet(PENDING, DONE)) {
                EventLoop.Scheduled t = timer;
                if (t != null) {
                    t.cancel();
                }
                callback.onResult(new IoResult(ioId, IoResult.Kind.WRITE, status, error, false));
            } else if (state.compareAndSet(TIMED_OUT, LATE_DONE)) {
                callback.onResult(new IoResult(ioId, IoResult.Kind.WRITE, status, error, true));
            }
        }
    }
}
