package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;

/**
 * One instance's register: {@code (W, V)} of {@code instance}, kept in instance slot {@code instance mod K} of
 * its resource. It repeats the resource name so a record left over from an unsynced creation of another resource
 * in the same slot is recognised and ignored. Generation 0, written by {@code --init} into copy 0, is the
 * <em>empty</em> record: no name, instance 0, {@code W = 0}, no value.
 *
 * <pre>
 *  offset  field         type       notes
 *       0 +-------------+----------+-------------------------------------------
 *         | header      | 24 bytes | {@link SectorHeader}, kind 3
 *      24 | instance    | u64      | non-negative
 *      32 | W           | 3 x u64  | round, id high, id low; ZERO only in the empty record
 *      56 | value length| u16      | 0..256
 *      58 | name length | u16      | 1..64; 0 in the empty record
 *      60 | name        | u8[64]   | UTF-8, zero-padded
 *     124 | value       | u8[256]  | zero-padded
 *     380 +-------------+----------+  LENGTH (fits a 512-byte sector)
 * </pre>
 */
public record InstanceRecord(long generation, String name, long instance, AgentRank w, byte[] value) {
    public static final int INSTANCE_OFFSET = SectorHeader.LENGTH;
    public static final int W_OFFSET = INSTANCE_OFFSET + 8;
    public static final int VALUE_LENGTH_OFFSET = W_OFFSET + AgentRank.BYTES;
    public static final int NAME_LENGTH_OFFSET = VALUE_LENGTH_OFFSET + 2;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 2;
    public static final int VALUE_OFFSET = NAME_OFFSET + AgentLimits.NAME_BYTES_MAX;
    public static final int LENGTH = VALUE_OFFSET + AgentLimits.VALUE_BYTES_MAX;

    public InstanceRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(value, "value");
        boolean empty = generation == 0;
        if (generation < 0 || instance < 0 || value.length > AgentLimits.VALUE_BYTES_MAX
                || empty != name.isEmpty() || empty != w.isZero() || empty && (instance != 0 || value.length != 0)) {
            throw new IllegalArgumentException("bad instance record: generation " + generation + ", name '" + name
                    + "', instance " + instance + ", W " + w + ", value " + value.length + " bytes");
        }
        value = value.clone();
    }

    /** The record {@code --init} writes into copy 0 of every instance slot. */
    public static InstanceRecord empty() {
        return new InstanceRecord(0, "", 0, AgentRank.ZERO, new byte[0]);
    }

    public boolean isEmpty() {
        return generation == 0;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public byte[] encode(int sectorSizeBytes, long sectorIndex) {
        byte[] s = new byte[sectorSizeBytes];
        ByteBuffer b = Fields.le(s);
        b.putLong(INSTANCE_OFFSET, instance);
        Fields.putRank(b, W_OFFSET, w);
        b.putShort(VALUE_LENGTH_OFFSET, (short) value.length);
        byte[] n = Fields.utf8(name);
        b.putShort(NAME_LENGTH_OFFSET, (short) n.length);
        b.put(NAME_OFFSET, n);
        b.put(VALUE_OFFSET, value);
        SectorHeader.seal(s, SectorHeader.KIND_INSTANCE, sectorIndex, generation);
        return s;
    }

    public static Decoded<InstanceRecord> decode(byte[] sector, long sectorIndex) {
        Decoded<InstanceRecord> bad = SectorHeader.check(sector, SectorHeader.KIND_INSTANCE, sectorIndex);
        if (bad != null) {
            return bad;
        }
        ByteBuffer b = Fields.le(sector);
        int valueLength = Short.toUnsignedInt(b.getShort(VALUE_LENGTH_OFFSET));
        long instance = b.getLong(INSTANCE_OFFSET);
        AgentRank w = Fields.getRank(b, W_OFFSET);
        long generation = SectorHeader.generation(sector);
        if (generation == 0) {
            return b.getShort(NAME_LENGTH_OFFSET) == 0 && valueLength == 0 && instance == 0 && w.isZero()
                    ? Decoded.valid(empty()) : Decoded.not(Verdict.BAD_FIELD, "an empty record with fields set");
        }
        String name = RecordNames.decode(sector, b.getShort(NAME_LENGTH_OFFSET), NAME_OFFSET);
        if (name == null || valueLength > AgentLimits.VALUE_BYTES_MAX || instance < 0 || w.isZero()
                || generation < 1) {
            return Decoded.not(Verdict.BAD_FIELD, "instance record fields out of range");
        }
        byte[] value = Arrays.copyOfRange(sector, VALUE_OFFSET, VALUE_OFFSET + valueLength);
        return Decoded.valid(new InstanceRecord(generation, name, instance, w, value));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceRecord r && generation == r.generation && name.equals(r.name)
                && instance == r.instance && w.equals(r.w) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(generation, name, instance, w, Arrays.hashCode(value));
    }
}
