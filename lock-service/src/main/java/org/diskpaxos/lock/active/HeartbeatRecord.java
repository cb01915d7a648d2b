package org.diskpaxos.lock.active;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The value of a host's heartbeat register on the agents (active mode's delta lease):
 * <pre>
 *   0  u32 magic 0x44504842 ("DPHB")      4  u8 version (1)     5  u8 flags (bit 0: left)
 *   6  u16 host id                        8  u32 generation     12 u32 counter (renewals in this generation)
 *   16 u64 timestamp: the writer's monotonic clock, ms (compared only by the writer's own later incarnations)
 *   24 u8 identity length, then the identity ({@code machine:boot:host}, at most 64 bytes)
 * </pre>
 * Big-endian. Written at rank {@code (generation << 32 | counter, process id)}, so every renewal is a higher rank.
 */
record HeartbeatRecord(boolean left, int hostId, long generation, long counter, long timestampMs, String identity) {
    static final int MAGIC = 0x44504842;
    static final int VERSION = 1;
    static final int IDENTITY_BYTES_MAX = 64;

    HeartbeatRecord {
        Objects.requireNonNull(identity, "identity");
        if (hostId < 1 || hostId > 0xffff || generation < 1 || generation > 0xffff_ffffL || counter < 0
                || counter > 0xffff_ffffL) {
            throw new IllegalArgumentException("heartbeat out of range: host " + hostId + " generation " + generation
                    + " counter " + counter);
        }
        if (identity.getBytes(StandardCharsets.UTF_8).length > IDENTITY_BYTES_MAX) {
            throw new IllegalArgumentException("identity over " + IDENTITY_BYTES_MAX + " bytes: " + identity);
        }
    }

    /** The rank round this record is written at. */
    long round() {
        return generation << 32 | counter;
    }

    HeartbeatRecord next(long nowMs) {
        return new HeartbeatRecord(false, hostId, generation, counter + 1, nowMs, identity);
    }

    HeartbeatRecord leaving(long nowMs) {
        return new HeartbeatRecord(true, hostId, generation, counter + 1, nowMs, identity);
    }

    byte[] encode() {
        byte[] id = identity.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(25 + id.length);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) (left ? 1 : 0)).putShort((short) hostId)
                .putInt((int) generation).putInt((int) counter).putLong(timestampMs).put((byte) id.length).put(id);
        return b.array();
    }

    /** Decodes a register value; throws {@link IllegalArgumentException} naming the problem for anything else. */
    static HeartbeatRecord decode(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            int magic = b.getInt();
            int version = b.get() & 0xff;
            if (magic != MAGIC || version != VERSION) {
                throw new IllegalArgumentException(String.format("not a heartbeat (magic %08x, version %d)", magic,
                        version));
            }
            boolean left = (b.get() & 1) != 0;
            int hostId = b.getShort() & 0xffff;
            long generation = b.getInt() & 0xffff_ffffL;
            long counter = b.getInt() & 0xffff_ffffL;
            long timestampMs = b.getLong();
            byte[] id = new byte[b.get() & 0xff];
            b.get(id);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("heartbeat has " + b.remaining() + " trailing bytes");
            }
            return new HeartbeatRecord(left, hostId, generation, counter, timestampMs,
                    new String(id, StandardCharsets.UTF_8));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("heartbeat of " + value.length + " bytes is cut short");
        }
    }
}
