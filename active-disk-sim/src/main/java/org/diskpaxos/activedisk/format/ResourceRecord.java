package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;

/**
 * A resource's header: its name (the on-device name index) and its read rank {@code R}, shared by all its
 * instances. Two copies per slot; generation {@code g} lives in copy {@code g & 1}. Generation 0, written by
 * {@code --init} into copy 0, is the <em>free</em> record: no name, {@code R = 0}; a resource is created by writing
 * generation 1.
 *
 * <pre>
 *  offset  field        type       notes
 *       0 +------------+----------+-------------------------------------------
 *         | header     | 24 bytes | {@link SectorHeader}, kind 2
 *      24 | R          | 3 x u64  | round, id high, id low
 *      48 | name length| u16      | 1..64; 0 in the free record
 *      50 | name       | u8[64]   | UTF-8, zero-padded
 *     114 +------------+----------+  LENGTH
 * </pre>
 */
public record ResourceRecord(long generation, String name, AgentRank r) {
    public static final int R_OFFSET = SectorHeader.LENGTH;
    public static final int NAME_LENGTH_OFFSET = R_OFFSET + AgentRank.BYTES;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 2;
    public static final int LENGTH = NAME_OFFSET + AgentLimits.NAME_BYTES_MAX;

    public ResourceRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(r, "r");
        if (generation < 0 || (generation == 0) != name.isEmpty() || generation == 0 && !r.isZero()) {
            throw new IllegalArgumentException("a resource record has a name and generation >= 1, or is the free "
                    + "record of generation 0; got generation " + generation + ", name '" + name + "'");
        }
    }

    /** The record {@code --init} writes into copy 0 of every resource slot. */
    public static ResourceRecord free() {
        return new ResourceRecord(0, "", AgentRank.ZERO);
    }

    public boolean isFree() {
        return generation == 0;
    }

    public byte[] encode(int sectorSizeBytes, long sectorIndex) {
        byte[] s = new byte[sectorSizeBytes];
        ByteBuffer b = Fields.le(s);
        Fields.putRank(b, R_OFFSET, r);
        byte[] n = Fields.utf8(name);
        b.putShort(NAME_LENGTH_OFFSET, (short) n.length);
        b.put(NAME_OFFSET, n);
        SectorHeader.seal(s, SectorHeader.KIND_RESOURCE, sectorIndex, generation);
        return s;
    }

    public static Decoded<ResourceRecord> decode(byte[] sector, long sectorIndex) {
        Decoded<ResourceRecord> bad = SectorHeader.check(sector, SectorHeader.KIND_RESOURCE, sectorIndex);
        if (bad != null) {
            return bad;
        }
        ByteBuffer b = Fields.le(sector);
        long generation = SectorHeader.generation(sector);
        AgentRank r = Fields.getRank(b, R_OFFSET);
        if (generation == 0) {
            return b.getShort(NAME_LENGTH_OFFSET) == 0 && r.isZero() ? Decoded.valid(free())
                    : Decoded.not(Verdict.BAD_FIELD, "a free record with a name or a rank");
        }
        String name = RecordNames.decode(sector, b.getShort(NAME_LENGTH_OFFSET), NAME_OFFSET);
        if (name == null || generation < 0) {
            return Decoded.not(Verdict.BAD_FIELD, "resource name is empty, too long or not UTF-8, or generation "
                    + generation);
        }
        return Decoded.valid(new ResourceRecord(generation, name, r));
    }
}
