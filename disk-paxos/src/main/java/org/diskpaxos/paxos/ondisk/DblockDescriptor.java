package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of sanlock's {@code struct paxos_dblock} ({@code src/paxos_dblock.h}), little-endian, at the start of host
 * {@code h}'s sector (sector {@code h + 1}) of a resource area; the mode block follows at +128 in the same sector
 * ({@link ModeBlockDescriptor}).
 *
 * <pre>
 *  offset  field     type  notes
 *       0 +---------+-----+----------------------------------------------
 *         | mbal    | u64 |
 *       8 | bal     | u64 |
 *      16 | inp     | u64 | owner host id, 0 = NotAnInput
 *      24 | inp2    | u64 | owner generation
 *      32 | inp3    | u64 | proposer's monotonic seconds
 *      40 | lver    | u64 |
 *      48 | checksum| u32 | sanlock CRC-32C of [0, 48) = DBLOCK_CHECKSUM_LEN
 *      52 | flags   | u32 | DBLOCK_FL_RELEASED 0x1; NOT checksummed
 *      56 +---------+-----+  LENGTH (must stay &lt;= 128: the mode block starts there)
 * </pre>
 *
 * <p>sanlock's {@code verify_dblock} accepts a block whose checksum, mbal, bal, inp and lver are all zero without
 * checking anything else; such a block decodes as {@link Verdict#BLANK} (use {@link Verdict#acceptedAsDblock()}).
 */
public final class DblockDescriptor {
    public static final int DBLOCK_FL_RELEASED = 0x00000001;

    private static final int SIZE_OF_U32 = 4;
    private static final int SIZE_OF_U64 = 8;

    public static final int MBAL_OFFSET = 0;
    public static final int BAL_OFFSET = MBAL_OFFSET + SIZE_OF_U64;
    public static final int INP_OFFSET = BAL_OFFSET + SIZE_OF_U64;
    public static final int INP2_OFFSET = INP_OFFSET + SIZE_OF_U64;
    public static final int INP3_OFFSET = INP2_OFFSET + SIZE_OF_U64;
    public static final int LVER_OFFSET = INP3_OFFSET + SIZE_OF_U64;
    public static final int CHECKSUM_OFFSET = LVER_OFFSET + SIZE_OF_U64;
    public static final int FLAGS_OFFSET = CHECKSUM_OFFSET + SIZE_OF_U32;
    /** {@code sizeof(struct paxos_dblock)}. */
    public static final int LENGTH = FLAGS_OFFSET + SIZE_OF_U32;
    /** {@code DBLOCK_CHECKSUM_LEN}. */
    public static final int CHECKSUM_LENGTH = CHECKSUM_OFFSET;

    static {
        LeaderRecordDescriptor.check(LENGTH == 56, "sizeof(struct paxos_dblock) is 56");
        LeaderRecordDescriptor.check(CHECKSUM_LENGTH == 48, "DBLOCK_CHECKSUM_LEN is 48");
        LeaderRecordDescriptor.check(LENGTH <= AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR,
                "a dblock ends before the mode block at +128");
    }

    private DblockDescriptor() {
    }

    /** Writes {@code dblock} as {@link #LENGTH} bytes at {@code offset}; returns the checksum written. */
    public static int encode(Dblock dblock, ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            throw new IndexOutOfBoundsException("dblock needs " + LENGTH + " bytes at " + offset);
        }
        LittleEndian.putLong(buffer, offset + MBAL_OFFSET, dblock.mbal());
        LittleEndian.putLong(buffer, offset + BAL_OFFSET, dblock.bal());
        LittleEndian.putLong(buffer, offset + INP_OFFSET, dblock.inp());
        LittleEndian.putLong(buffer, offset + INP2_OFFSET, dblock.inp2());
        LittleEndian.putLong(buffer, offset + INP3_OFFSET, dblock.inp3());
        LittleEndian.putLong(buffer, offset + LVER_OFFSET, dblock.lver());
        int checksum = SanlockCrc.checksum(buffer, offset, CHECKSUM_LENGTH);
        LittleEndian.putInt(buffer, offset + CHECKSUM_OFFSET, checksum);
        LittleEndian.putInt(buffer, offset + FLAGS_OFFSET, dblock.flags());
        return checksum;
    }

    /**
     * A host's whole resource sector: the dblock at +0, zeros, {@code modeBlock} at +128, zeros; what sanlock's
     * {@code write_dblock} (mode block zero) or {@code write_dblock_mblock_sh} (shared holder) writes.
     */
    public static byte[] encodeSector(Dblock dblock, ModeBlock modeBlock, int sectorSizeBytes) {
        byte[] sector = new byte[sectorSizeBytes];
        ByteBuffer buffer = ByteBuffer.wrap(sector);
        encode(dblock, buffer, 0);
        ModeBlockDescriptor.encode(modeBlock, buffer, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR);
        return sector;
    }

    /** Reads and judges the dblock at {@code offset}: TRUNCATED, BLANK, BAD_CHECKSUM or VALID. Never throws. */
    public static Decoded<Dblock> decode(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            return Decoded.truncated("dblock needs " + LENGTH + " bytes at " + offset + ", buffer has "
                    + Math.max(0, buffer.limit() - offset));
        }
        Dblock dblock = new Dblock(
                mbal(buffer, offset),
                LittleEndian.getLong(buffer, offset + BAL_OFFSET),
                LittleEndian.getLong(buffer, offset + INP_OFFSET),
                LittleEndian.getLong(buffer, offset + INP2_OFFSET),
                LittleEndian.getLong(buffer, offset + INP3_OFFSET),
                lver(buffer, offset),
                LittleEndian.getInt(buffer, offset + FLAGS_OFFSET));
        int stored = LittleEndian.getInt(buffer, offset + CHECKSUM_OFFSET);
        if (stored == 0 && dblock.mbal() == 0 && dblock.bal() == 0 && dblock.inp() == 0 && dblock.lver() == 0) {
            return new Decoded<>(Verdict.BLANK, dblock, "never written (sanlock accepts it)");
        }
        int computed = SanlockCrc.checksum(buffer, offset, CHECKSUM_LENGTH);
        if (stored != computed) {
            return new Decoded<>(Verdict.BAD_CHECKSUM, dblock, "checksum " + LeaderRecordDescriptor.hex(stored)
                    + ", computed " + LeaderRecordDescriptor.hex(computed));
        }
        return Decoded.valid(dblock);
    }

    /**
     * Whether the dblock at {@code offset} is the never-written one that {@link #decode} calls {@link Verdict#BLANK}
     * (checksum, {@code mbal}, {@code bal}, {@code inp} and {@code lver} zero), read without decoding it: most blocks
     * of a ballot read are.
     */
    public static boolean isBlank(ByteBuffer buffer, int offset) {
        return LittleEndian.fits(buffer, offset, LENGTH)
                && LittleEndian.getInt(buffer, offset + CHECKSUM_OFFSET) == 0
                && LittleEndian.getLong(buffer, offset + MBAL_OFFSET) == 0
                && LittleEndian.getLong(buffer, offset + BAL_OFFSET) == 0
                && LittleEndian.getLong(buffer, offset + INP_OFFSET) == 0
                && LittleEndian.getLong(buffer, offset + LVER_OFFSET) == 0;
    }

    /** Flyweight read of {@code mbal} without decoding the block (hot path: max mbal over 2000 hosts). */
    public static long mbal(ByteBuffer buffer, int offset) {
        return LittleEndian.getLong(buffer, offset + MBAL_OFFSET);
    }

    /** Flyweight read of {@code lver}. */
    public static long lver(ByteBuffer buffer, int offset) {
        return LittleEndian.getLong(buffer, offset + LVER_OFFSET);
    }
}
