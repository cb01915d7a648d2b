package org.diskpaxos.activedisk.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.format.Fields;

/**
 * Reads a payload field by field without ever throwing: a read past the end, or a bad field, records the first
 * problem and returns a harmless default, and the caller asks {@link #problem()} at the end. {@link #finish()}
 * also insists that every byte was consumed.
 */
final class PayloadReader {
    private final ByteBuffer b;
    private String problem;

    PayloadReader(byte[] payload) {
        this.b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    private boolean need(int bytes, String what) {
        if (problem != null) {
            return false;
        }
        if (b.remaining() < bytes) {
            problem = "payload ends inside " + what;
            return false;
        }
        return true;
    }

    void fail(String why) {
        if (problem == null) {
            problem = why;
        }
    }

    int u8(String what) {
        return need(1, what) ? Byte.toUnsignedInt(b.get()) : 0;
    }

    int u16(String what) {
        return need(2, what) ? Short.toUnsignedInt(b.getShort()) : 0;
    }

    int u32(String what) {
        return need(4, what) ? b.getInt() : 0;
    }

    long u64(String what) {
        return need(8, what) ? b.getLong() : 0;
    }

    AgentRank rank(String what) {
        return need(AgentRank.BYTES, what) ? new AgentRank(b.getLong(), b.getLong(), b.getLong()) : AgentRank.ZERO;
    }

    byte[] bytes(int n, String what) {
        if (!need(n, what)) {
            return new byte[0];
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    /** A u16 length (at most {@code max}) then that many bytes. */
    byte[] lengthPrefixed(int max, String what) {
        int n = u16(what + " length");
        if (n > max) {
            fail(what + " of " + n + " bytes over the limit of " + max);
            return new byte[0];
        }
        return bytes(n, what);
    }

    /** A length-prefixed UTF-8 string of at most {@code max} bytes; "" on error. */
    String string(int max, String what) {
        byte[] raw = lengthPrefixed(max, what);
        String s = Fields.decodeUtf8(raw, 0, raw.length);
        if (s == null) {
            fail(what + " is not UTF-8");
            return "";
        }
        return s;
    }

    /** Null when all went well and every byte was read. */
    String finish() {
        if (problem == null && b.hasRemaining()) {
            problem = b.remaining() + " bytes after the end of the message";
        }
        return problem;
    }

    String problem() {
        return problem;
    }
}
