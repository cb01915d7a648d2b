package org.diskpaxos.activedisk.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.format.Fields;

/** Builds a little-endian payload. */
final class PayloadWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    PayloadWriter u8(int v) {
        out.write(v);
        return this;
    }

    PayloadWriter u16(int v) {
        scratch.clear();
        scratch.putShort((short) v);
        out.write(scratch.array(), 0, 2);
        return this;
    }

    PayloadWriter u32(int v) {
        scratch.clear();
        scratch.putInt(v);
        out.write(scratch.array(), 0, 4);
        return this;
    }

    PayloadWriter u64(long v) {
        scratch.clear();
        scratch.putLong(v);
        out.write(scratch.array(), 0, 8);
        return this;
    }

    PayloadWriter rank(AgentRank r) {
        return u64(r.round()).u64(r.idHigh()).u64(r.idLow());
    }

    PayloadWriter bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    PayloadWriter lengthPrefixed(byte[] b) {
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("field of " + b.length + " bytes does not fit a u16 length");
        }
        return u16(b.length).bytes(b);
    }

    PayloadWriter string(String s) {
        return lengthPrefixed(Fields.utf8(s));
    }

    byte[] toBytes() {
        return out.toByteArray();
    }
}
