package org.diskpaxos.paxos.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoCallback;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.ManualLoop;

/**
 * An {@link AsyncBlockDevice} over a byte array whose I/O the test controls: by default each I/O applies and
 * completes on the loop's next {@code runReady}; an I/O matching {@link #holdIf} is held (nothing applied) until the
 * test {@link #timeOut times it out} or {@link #release releases} it. Reads can be redirected to other offsets
 * ({@link #misdirectReads}) to play a misdirecting disk.
 */
final class ScriptedDevice implements AsyncBlockDevice {
    final byte[] image;
    private final ManualLoop loop;
    private final String name;
    private Predicate<Held> holdIf = h -> false;
    private Predicate<Held> failIf = h -> false;
    private long readOffsetShiftBytes;
    private boolean dropWrites;
    final List<Held> held = new ArrayList<>();
    final List<Long> writeOffsets = new ArrayList<>();

    /** An I/O the test holds. */
    final class Held {
        final IoResult.Kind kind;
        final long ioId;
        final long offsetBytes;
        final IoBuffer buffer;
        final int lengthBytes;
        final IoCallback callback;
        boolean timedOut;

        Held(IoResult.Kind kind, long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, IoCallback callback) {
            this.kind = kind;
            this.ioId = ioId;
            this.offsetBytes = offsetBytes;
            this.buffer = buffer;
            this.lengthBytes = lengthBytes;
            this.callback = callback;
        }
    }

    ScriptedDevice(ManualLoop loop, String name, int sizeBytes) {
        this.loop = loop;
        this.name = name;
        this.image = new byte[sizeBytes];
    }

    void holdIf(Predicate<Held> predicate) {
        this.holdIf = predicate;
    }

    /** Fail the I/O matching {@code predicate} at once (status FAILED, nothing applied). */
    void failIf(Predicate<Held> predicate) {
        this.failIf = predicate;
    }

    /** Acknowledge writes without storing them: a lost (or misdirected-away) write. */
    void dropWrites(boolean drop) {
        this.dropWrites = drop;
    }

    void misdirectReads(long shiftBytes) {
        this.readOffsetShiftBytes = shiftBytes;
    }

    /** Reports the held I/O as timed out now; it stays held (its buffer claimed) until {@link #release}. */
    void timeOut(Held h) {
        h.timedOut = true;
        loop.execute(() -> h.callback.onResult(new IoResult(h.ioId, h.kind, IoResult.Status.TIMED_OUT, null, false)));
    }

    /** Applies the held I/O now and completes it (late, if it timed out). */
    void release(Held h) {
        held.remove(h);
        apply(h.kind, h.offsetBytes, h.buffer, h.lengthBytes);
        h.buffer.release();
        loop.execute(() -> h.callback.onResult(new IoResult(h.ioId, h.kind, IoResult.Status.OK, null, h.timedOut)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return image.length;
    }

    @Override
    public int logicalSectorSizeBytes() {
        return 512;
    }

    @Override
    public void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback cb) {
        submit(IoResult.Kind.READ, ioId, offsetBytes, buffer, lengthBytes, cb);
    }

    @Override
    public void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback cb) {
        writeOffsets.add(offsetBytes);
        submit(IoResult.Kind.WRITE, ioId, offsetBytes, buffer, lengthBytes, cb);
    }

    @Override
    public void sync(long ioId, long timeoutNs, IoCallback cb) {
        loop.execute(() -> cb.onResult(new IoResult(ioId, IoResult.Kind.SYNC, IoResult.Status.OK, null, false)));
    }

    private void submit(IoResult.Kind kind, long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes,
                        IoCallback cb) {
        buffer.claim(name);
        Held h = new Held(kind, ioId, offsetBytes, buffer, lengthBytes, cb);
        if (failIf.test(h)) {
            buffer.release();
            loop.execute(() -> cb.onResult(new IoResult(ioId, kind, IoResult.Status.FAILED,
                    new java.io.IOException(name + ": scripted failure"), false)));
            return;
        }
        if (holdIf.test(h)) {
            held.add(h);
            return;
        }
        apply(kind, offsetBytes, buffer, lengthBytes);
        buffer.release();
        loop.execute(() -> cb.onResult(new IoResult(ioId, kind, IoResult.Status.OK, null, false)));
    }

    private void apply(IoResult.Kind kind, long offsetBytes, IoBuffer buffer, int lengthBytes) {
        if (kind == IoResult.Kind.READ) {
            buffer.bytes().put(0, image, (int) (offsetBytes + readOffsetShiftBytes), lengthBytes);
        } else if (kind == IoResult.Kind.WRITE && !dropWrites) {
            buffer.bytes().get(0, image, (int) offsetBytes, lengthBytes);
        }
    }

    @Override
    public void close() {
    }

}
