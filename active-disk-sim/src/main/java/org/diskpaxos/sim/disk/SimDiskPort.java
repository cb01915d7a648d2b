package org.diskpaxos.sim.disk;

import java.io.IOException;
import java.util.Objects;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoCallback;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.sim.host.HostEventLoop;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * One host incarnation's {@link AsyncBlockDevice} view of a {@link SimDisk}, implementing the contract exactly:
 * <ul>
 *   <li>bad ranges, a buffer still in flight, or a closed device throw at submission and do nothing;</li>
 *   <li>results are delivered as tasks on the host's {@link EventLoop}, never inside the submitting call;</li>
 *   <li>exactly one on-time result per I/O (OK, FAILED or TIMED_OUT); after TIMED_OUT exactly one late result
 *       when the disk is really done; the timeout runs on the host's own clock;</li>
 *   <li>the buffer is claimed at submission and released just before the final result is delivered.</li>
 * </ul>
 * If the host crashes, undelivered results are dropped with its loop; the disk still finishes the I/O. A buffer
 * whose I/O finishes after the crash is released then; one whose result was already queued stays claimed, like
 * everything else the dead incarnation owned.
 */
public final class SimDiskPort implements AsyncBlockDevice {
    /** Limit on I/Os in flight through one view; beyond it submissions fail with "queue full". */
    public static final int IN_FLIGHT_MAX = 4096;

    private final SimDisk disk;
    private final DiskStage entry;
    private final HostEventLoop loop;
    private final int hostIndex;
    private final String name;
    private int inFlightCount;
    private boolean closed;

    SimDiskPort(SimDisk disk, DiskStage entry, HostEventLoop loop, int hostIndex) {
        this.disk = disk;
        this.entry = entry;
        this.loop = loop;
        this.hostIndex = hostIndex;
        this.name = disk.name() + "@host-" + hostIndex;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return disk.geometry().sizeBytes();
    }

    @Override
    public int logicalSectorSizeBytes() {
        return disk.geometry().sectorSizeBytes();
    }

    @Override
    public void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
            IoCallback callback) {
        submit(DiskRequest.Kind.READ, ioId, offsetBytes, buffer, lengthBytes, timeoutNs, callback);
    }

    @Override
    public void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs,
            IoCallback callback) {
        submit(DiskRequest.Kind.WRITE, ioId, offsetBytes, buffer, lengthBytes, timeoutNs, callback);
    }

    @Override
    public void sync(long ioId, long timeoutNs, IoCallback callback) {
        submit(DiskRequest.Kind.SYNC, ioId, 0, null, 0, timeoutNs, callback);
    }

    private void submit(DiskRequest.Kind kind, long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes,
            long timeoutNs, IoCallback callback) {
        Objects.requireNonNull(callback, "callback");
        if (closed) {
            throw new IllegalStateException(name + ": device is closed");
        }
        if (kind != DiskRequest.Kind.SYNC) {
            checkRange(offsetBytes, buffer, lengthBytes);
            buffer.claim(name);
        }
        DiskRequest request = new DiskRequest(disk.nextRequestId(), disk.index(), hostIndex, loop.incarnation(), ioId,
                kind, offsetBytes, lengthBytes, buffer == null ? null : buffer.bytes());
        PortIo io = new PortIo(request, buffer, callback);
        Scheduler scheduler = disk.scheduler();
        scheduler.trace().record(TraceKind.IO_SUBMIT, scheduler.nowNs(), hostIndex, disk.index(),
                request.requestId());
        if (inFlightCount >= IN_FLIGHT_MAX) {
            io.deviceDone(DiskOutcome.failed("queue full: " + IN_FLIGHT_MAX + " I/Os already in flight"));
            return;
        }
        inFlightCount++;
        if (timeoutNs > 0) {
            io.timer = loop.schedule(timeoutNs, io::onTimeout);
        }
        entry.submit(request, outcome -> {
            inFlightCount--;
            io.deviceDone(outcome);
        });
    }

    private void checkRange(long offsetBytes, IoBuffer buffer, int lengthBytes) {
        Objects.requireNonNull(buffer, "buffer");
        int sector = logicalSectorSizeBytes();
        if (offsetBytes < 0 || offsetBytes % sector != 0) {
            throw new IllegalArgumentException(name + ": offset " + offsetBytes + " is not a multiple of the "
                    + sector + "-byte sector");
        }
        if (lengthBytes <= 0 || lengthBytes % sector != 0) {
            throw new IllegalArgumentException(name + ": length " + lengthBytes + " is not a positive multiple of the "
                    + sector + "-byte sector");
        }
        if (offsetBytes + lengthBytes > sizeBytes()) {
            throw new IllegalArgumentException(name + ": range [" + offsetBytes + ", " + (offsetBytes + lengthBytes)
                    + ") is past the end of the " + sizeBytes() + "-byte device");
        }
        if (lengthBytes > buffer.capacity()) {
            throw new IllegalArgumentException(name + ": length " + lengthBytes + " exceeds the buffer's capacity "
                    + buffer.capacity());
        }
    }

    /** Marks the device closed: later submissions throw; I/O already submitted finishes normally. */
    @Override
    public void close() {
        closed = true;
    }

    public int inFlightCount() {
        return inFlightCount;
    }

    /** The life of one I/O at this view: pending → (timed out →) done. */
    private final class PortIo {
        private final DiskRequest request;
        private final IoBuffer buffer;
        private final IoCallback callback;
        private EventLoop.Scheduled timer;
        private boolean timedOut;
        private boolean finished;

        PortIo(DiskRequest request, IoBuffer buffer, IoCallback callback) {
            this.request = request;
            this.buffer = buffer;
            this.callback = callback;
        }

        /** On the loop: the timeout expired on the host clock before the result was delivered. */
        void onTimeout() {
            if (finished || timedOut) {
                return;
            }
            timedOut = true;
            trace(2);
            callback.onResult(new IoResult(request.ioId(), kind(), IoResult.Status.TIMED_OUT, null, false));
        }

        /** Outside the loop, at the instant the disk is done: hand the result to the loop. */
        void deviceDone(DiskOutcome outcome) {
            if (!loop.isAlive()) {
                releaseBuffer();
                finished = true;
                return;
            }
            loop.execute(() -> deliver(outcome));
        }

        private void deliver(DiskOutcome outcome) {
            if (finished) {
                throw new IllegalStateException(name + ": I/O " + request.ioId() + " completed twice");
            }
            finished = true;
            releaseBuffer();
            boolean late = timedOut;
            if (timer != null && !late) {
                timer.cancel();
            }
            IoResult.Status status = outcome.ok() ? IoResult.Status.OK : IoResult.Status.FAILED;
            IOException error = outcome.ok() ? null : new IOException(name + ": " + request.kind().name().toLowerCase(
                    java.util.Locale.ROOT) + " at offset " + request.offsetBytes() + " failed: " + outcome.failure());
            trace((outcome.ok() ? 0 : 1) + (late ? 10 : 0));
            callback.onResult(new IoResult(request.ioId(), kind(), status, error, late));
        }

        private void releaseBuffer() {
            if (buffer != null) {
                buffer.release();
            }
        }

        private IoResult.Kind kind() {
            return switch (request.kind()) {
                case READ -> IoResult.Kind.READ;
                case WRITE -> IoResult.Kind.WRITE;
                case SYNC -> IoResult.Kind.SYNC;
            };
        }

        private void trace(int code) {
            Scheduler scheduler = disk.scheduler();
            scheduler.trace().record(TraceKind.IO_RESULT, scheduler.nowNs(), hostIndex, request.requestId(), code);
        }
    }
}
