package org.diskpaxos.activedisk.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A message between a simulated client and a simulated agent: the wire protocol's message type and payload
 * ({@code org.diskpaxos.activedisk.wire.MessageCodec}) with a small header instead of the TCP framing, MAC and
 * session handshake, which the simulated network has no use for.
 *
 * <pre>
 *  offset  field       type
 *       0  type        u8    the wire message type
 *       1  session     u64   the client incarnation's random session id
 *       9  request id  u64
 *      17  payload
 * </pre>
 */
public record SimEnvelope(int type, long session, long requestId, byte[] payload) {
    public static final int HEADER_BYTES = 17;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) type).putLong(session).putLong(requestId).put(payload);
        return b.array();
    }

    /** Null when {@code bytes} is too short to be an envelope. */
    public static SimEnvelope decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int type = Byte.toUnsignedInt(b.get());
        long session = b.getLong();
        long requestId = b.getLong();
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new SimEnvelope(type, session, requestId, payload);
    }
}
