package org.diskpaxos.blockdev.async;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A buffer that belongs to at most one I/O at a time.
 *
 * <p>An {@link AsyncBlockDevice} claims the buffer when the I/O is submitted and frees it only when the device has
 * really finished with it. If the I/O times out, the caller is told at once, but the buffer stays claimed until
 * the late completion arrives: the device may still be reading into it or writing from it (sanlock keeps the
 * buffer of a timed-out AIO for the same reason). Submitting a claimed buffer is a programming error.
 *
 * <p>Content is accessed with absolute get/put on {@link #bytes()}; I/O transfers {@code [0, length)}.
 */
public final class IoBuffer {
    private final ByteBuffer bytes;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    public IoBuffer(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    /** The backing buffer. Do not touch it while {@link #inFlight()}. */
    public ByteBuffer bytes() {
        return bytes;
    }

    public int capacity() {
        return bytes.capacity();
    }

    /** Whether an I/O owns this buffer (including one that timed out and has not completed yet). */
    public boolean inFlight() {
        return inFlight.get();
    }

    /** Called by a device when it takes the buffer for an I/O. */
    public void claim(String deviceName) {
        if (!inFlight.compareAndSet(false, true)) {
            throw new IllegalStateException(deviceName + ": buffer is still owned by an earlier I/O "
                    + "(it timed out and has not completed); use another buffer");
        }
    }

    /** Called by a device when it is done with the buffer. */
    public void release() {
        if (!inFlight.compareAndSet(true, false)) {
            throw new IllegalStateException("buffer released twice");
        }
    }
}
