package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentLimits;

/**
 * One block of the compare-and-write area. Generation 0, written by {@code --init} into copy 0, holds zeros: a
 * never-written block reads as zeros.
 *
 * <pre>
 *  offset  field      type       notes
 *       0 +----------+----------+-------------------------------------------
 *         | header   | 24 bytes | {@link SectorHeader}, kind 4
 *      24 | block    | u32      | the block's number
 *      28 | reserved | u32      | 0
 *      32 | content  | u8[256]  |
 *     288 +----------+----------+  LENGTH
 * </pre>
 */
public record CasRecord(long generation, int block, byte[] content) {
    public static final int BLOCK_OFFSET = SectorHeader.LENGTH;
    public static final int RESERVED_OFFSET = BLOCK_OFFSET + 4;
    public static final int CONTENT_OFFSET = RESERVED_OFFSET + 4;
    public static final int LENGTH = CONTENT_OFFSET + AgentLimits.CAS_BLOCK_BYTES;

    public CasRecord {
        Objects.requireNonNull(content, "content");
        if (generation < 0 || block < 0 || content.length != AgentLimits.CAS_BLOCK_BYTES) {
            throw new IllegalArgumentException("bad CAS record: generation " + generation + ", block " + block
                    + ", " + content.length + " bytes");
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public byte[] encode(int sectorSizeBytes, long sectorIndex) {
        byte[] s = new byte[sectorSizeBytes];
        ByteBuffer b = Fields.le(s);
        b.putInt(BLOCK_OFFSET, block);
        b.put(CONTENT_OFFSET, content);
        SectorHeader.seal(s, SectorHeader.KIND_CAS, sectorIndex, generation);
        return s;
    }

    public static Decoded<CasRecord> decode(byte[] sector, long sectorIndex, int expectedBlock) {
        Decoded<CasRecord> bad = SectorHeader.check(sector, SectorHeader.KIND_CAS, sectorIndex);
        if (bad != null) {
            return bad;
        }
        ByteBuffer b = Fields.le(sector);
        int block = b.getInt(BLOCK_OFFSET);
        long generation = SectorHeader.generation(sector);
        if (block != expectedBlock || b.getInt(RESERVED_OFFSET) != 0 || generation < 0) {
            return Decoded.not(Verdict.BAD_FIELD, "CAS record for block " + block + " where block "
                    + expectedBlock + " belongs");
        }
        return Decoded.valid(new CasRecord(generation, block,
                Arrays.copyOfRange(sector, CONTENT_OFFSET, CONTENT_OFFSET + AgentLimits.CAS_BLOCK_BYTES)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CasRecord r && generation == r.generation && block == r.block
                && Arrays.equals(content, r.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(generation, block, Arrays.hashCode(content));
    }
}
