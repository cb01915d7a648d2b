package org.diskpaxos.activedisk.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts a byte stream into frames: bytes go in as they arrive ({@link #buffer()}), whole frames come out
 * ({@link #next()}). A length prefix outside [{@link Frame#FRAME_BYTES_MIN}, limit] is reported as soon as its four
 * bytes are in, before any more is read, so an oversized claim never makes the receiver buffer it. Memory is one
 * buffer of the limit's size.
 */
public final class FrameAssembler {
    private final int limitBytes;
    private final ByteBuffer in;
    private FrameVerdict broken;

    public FrameAssembler(int limitBytes) {
        if (limitBytes < Frame.FRAME_BYTES_MIN || limitBytes > Frame.FRAME_BYTES_MAX) {
            throw new IllegalArgumentException("frame limit " + limitBytes + " outside [" + Frame.FRAME_BYTES_MIN
                    + ", " + Frame.FRAME_BYTES_MAX + "]");
        }
        this.limitBytes = limitBytes;
        this.in = ByteBuffer.allocate(limitBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Where to read socket bytes into (in write mode); never full unless a frame is waiting in it. */
    public ByteBuffer buffer() {
        return in;
    }

    /**
     * The next whole frame, or null when more bytes are needed. After a bad length prefix, returns null forever
     * and {@link #broken()} says why.
     */
    public byte[] next() {
        if (broken != null || in.position() < 4) {
            return null;
        }
        int length = in.getInt(0);
        FrameVerdict v = Frame.checkLength(length, limitBytes);
        if (v != FrameVerdict.OK) {
            broken = v;
            return null;
        }
        if (in.position() < length) {
            return null;
        }
        byte[] frame = new byte[length];
        in.flip();
        in.get(frame);
        in.compact();
        return frame;
    }

    /** Null, or why the stream cannot be read any further. */
    public FrameVerdict broken() {
        return broken;
    }

    /** Bytes received and not yet returned as a frame. */
    public int buffered() {
        return in.position();
    }
}
