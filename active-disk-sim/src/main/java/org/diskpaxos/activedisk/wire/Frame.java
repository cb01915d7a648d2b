package org.diskpaxos.activedisk.wire;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.diskpaxos.activedisk.format.Fields;

/**
 * One protocol frame, little-endian.
 *
 * <pre>
 *  offset   field           type      notes
 *       0  +---------------+---------+-------------------------------------------------------
 *          | frame length  | u32     | the whole frame: 36 + payload + 32
 *       4  | magic         | u32     | "DPAW": bytes 44 50 41 57
 *       8  | version       | u8      | {@value #VERSION}
 *       9  | type          | u8      | {@link MessageType}
 *      10  | flags         | u16     | 0
 *      12  | payload length| u32     |
 *      16  | request id    | u64     | chosen by the client; echoed by the reply; 0 for hellos
 *      24  | sequence      | u64     | per direction and session: 0 for the hello, then 1, 2, ...
 *      32  | crc32c        | u32     | CRC-32C of bytes [0, 32) and the payload
 *      36  | payload       | n bytes | {@link MessageCodec}
 *    36+n  | mac           | 32      | HMAC-SHA256 (see {@link SessionKeys})
 *          +---------------+---------+
 * </pre>
 */
public final class Frame {
    public static final int MAGIC = 0x57415044;
    public static final int VERSION = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int MAGIC_OFFSET = LENGTH_OFFSET + 4;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int TYPE_OFFSET = VERSION_OFFSET + 1;
    public static final int FLAGS_OFFSET = TYPE_OFFSET + 1;
    public static final int PAYLOAD_LENGTH_OFFSET = FLAGS_OFFSET + 2;
    public static final int REQUEST_ID_OFFSET = PAYLOAD_LENGTH_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = REQUEST_ID_OFFSET + 8;
    public static final int CRC_OFFSET = SEQUENCE_OFFSET + 8;
    public static final int HEADER_BYTES = CRC_OFFSET + 4;
    public static final int MAC_BYTES = 32;

    /** The smallest frame: empty payload. */
    public static final int FRAME_BYTES_MIN = HEADER_BYTES + MAC_BYTES;
    /** The largest frame the protocol allows; an agent or client may set a lower limit. */
    public static final int FRAME_BYTES_MAX = 32 * 1024;
    public static final int PAYLOAD_BYTES_MAX = FRAME_BYTES_MAX - FRAME_BYTES_MIN;

    private Frame() {
    }

    /** A frame with everything but the MAC (zero) filled in. */
    public static byte[] build(int type, long requestId, long sequence, byte[] payload) {
        if (payload.length > PAYLOAD_BYTES_MAX) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the limit of "
                    + PAYLOAD_BYTES_MAX);
        }
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type " + type + " is not a byte");
        }
        byte[] f = new byte[FRAME_BYTES_MIN + payload.length];
        ByteBuffer b = Fields.le(f);
        b.putInt(LENGTH_OFFSET, f.length);
        b.putInt(MAGIC_OFFSET, MAGIC);
        f[VERSION_OFFSET] = VERSION;
        f[TYPE_OFFSET] = (byte) type;
        b.putInt(PAYLOAD_LENGTH_OFFSET, payload.length);
        b.putLong(REQUEST_ID_OFFSET, requestId);
        b.putLong(SEQUENCE_OFFSET, sequence);
        System.arraycopy(payload, 0, f, HEADER_BYTES, payload.length);
        b.putInt(CRC_OFFSET, crc(f));
        return f;
    }

    /** CRC-32C of bytes [0, 32) and the payload. */
    public static int crc(byte[] frame) {
        CRC32C c = new CRC32C();
        c.update(frame, 0, CRC_OFFSET);
        c.update(frame, HEADER_BYTES, frame.length - FRAME_BYTES_MIN);
        return (int) c.getValue();
    }

    /** Checks a length prefix against {@code [FRAME_BYTES_MIN, limitBytes]}. */
    public static FrameVerdict checkLength(int length, int limitBytes) {
        if (length < FRAME_BYTES_MIN) {
            return FrameVerdict.TOO_SHORT;
        }
        return Integer.compareUnsigned(length, limitBytes) > 0 ? FrameVerdict.TOO_LONG : FrameVerdict.OK;
    }

    /** Checks everything but the MAC and the sequence of a complete frame (its length already checked). */
    public static FrameVerdict checkHeader(byte[] f) {
        ByteBuffer b = Fields.le(f);
        if (b.getInt(LENGTH_OFFSET) != f.length || f.length < FRAME_BYTES_MIN) {
            return FrameVerdict.LENGTH_MISMATCH;
        }
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            return FrameVerdict.BAD_MAGIC;
        }
        if (f[VERSION_OFFSET] != VERSION) {
            return FrameVerdict.BAD_VERSION;
        }
        if (b.getShort(FLAGS_OFFSET) != 0) {
            return FrameVerdict.BAD_FLAGS;
        }
        if (b.getInt(PAYLOAD_LENGTH_OFFSET) != f.length - FRAME_BYTES_MIN) {
            return FrameVerdict.LENGTH_MISMATCH;
        }
        return b.getInt(CRC_OFFSET) == crc(f) ? FrameVerdict.OK : FrameVerdict.BAD_CRC;
    }

    public static int type(byte[] f) {
        return Byte.toUnsignedInt(f[TYPE_OFFSET]);
    }

    public static long requestId(byte[] f) {
        return Fields.le(f).getLong(REQUEST_ID_OFFSET);
    }

    public static long sequence(byte[] f) {
        return Fields.le(f).getLong(SEQUENCE_OFFSET);
    }

    public static byte[] payload(byte[] f) {
        byte[] p = new byte[f.length - FRAME_BYTES_MIN];
        System.arraycopy(f, HEADER_BYTES, p, 0, p.length);
        return p;
    }
}
