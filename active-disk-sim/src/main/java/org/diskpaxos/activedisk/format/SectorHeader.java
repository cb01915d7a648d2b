package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The 24-byte header every agent sector starts with, little-endian.
 *
 * <pre>
 *  offset  field         type   notes
 *       0 +-------------+------+-----------------------------------------------------------
 *         | magic       | u32  | "DPAG": bytes 44 50 41 47
 *       4 | version     | u16  | {@value #FORMAT_VERSION}
 *       6 | kind        | u16  | 1 superblock, 2 resource header, 3 instance, 4 CAS block
 *       8 | sector      | u32  | this sector's own index: catches misdirected I/O
 *      12 | crc32c      | u32  | CRC-32C of the whole sector with these 4 bytes taken as zero
 *      16 | generation  | u64  | times this record was written; copy = generation &amp; 1
 *      24 +-------------+------+  LENGTH; the record kind's fields follow
 * </pre>
 */
public final class SectorHeader {
    public static final int MAGIC = 0x47415044;
    public static final int FORMAT_VERSION = 1;

    public static final int KIND_SUPERBLOCK = 1;
    public static final int KIND_RESOURCE = 2;
    public static final int KIND_INSTANCE = 3;
    public static final int KIND_CAS = 4;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int KIND_OFFSET = VERSION_OFFSET + 2;
    public static final int SECTOR_OFFSET = KIND_OFFSET + 2;
    public static final int CRC_OFFSET = SECTOR_OFFSET + 4;
    public static final int GENERATION_OFFSET = CRC_OFFSET + 4;
    public static final int LENGTH = GENERATION_OFFSET + 8;

    private static final byte[] ZERO4 = new byte[4];

    private SectorHeader() {
    }

    /** Writes the header into {@code sector} (whose record fields are already in place) and seals the CRC. */
    static void seal(byte[] sector, int kind, long sectorIndex, long generation) {
        ByteBuffer b = Fields.le(sector);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_OFFSET, (short) FORMAT_VERSION);
        b.putShort(KIND_OFFSET, (short) kind);
        b.putInt(SECTOR_OFFSET, (int) sectorIndex);
        b.putInt(CRC_OFFSET, 0);
        b.putLong(GENERATION_OFFSET, generation);
        b.putInt(CRC_OFFSET, crc(sector));
    }

    /** CRC-32C of {@code sector} with the CRC field taken as zero. */
    public static int crc(byte[] sector) {
        CRC32C c = new CRC32C();
        c.update(sector, 0, CRC_OFFSET);
        c.update(ZERO4, 0, 4);
        c.update(sector, CRC_OFFSET + 4, sector.length - CRC_OFFSET - 4);
        return (int) c.getValue();
    }

    /**
     * Checks the header for a record of {@code kind} at {@code sectorIndex}: null when valid, else the
     * non-valid result. Blank (all-zero) sectors are {@link Verdict#BLANK}.
     */
    static <T> Decoded<T> check(byte[] sector, int kind, long sectorIndex) {
        if (Fields.allZero(sector, 0, sector.length)) {
            return Decoded.not(Verdict.BLANK, "blank");
        }
        ByteBuffer b = Fields.le(sector);
        int magic = b.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            return Decoded.not(Verdict.BAD_MAGIC, String.format("magic 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        int stored = b.getInt(CRC_OFFSET);
        int computed = crc(sector);
        if (stored != computed) {
            return Decoded.not(Verdict.BAD_CHECKSUM, String.format("crc32c 0x%08x, computed 0x%08x", stored,
                    computed));
        }
        int version = Short.toUnsignedInt(b.getShort(VERSION_OFFSET));
        if (version != FORMAT_VERSION) {
            return Decoded.not(Verdict.UNSUPPORTED_VERSION, "format version " + version + ", this agent reads "
                    + FORMAT_VERSION);
        }
        int k = Short.toUnsignedInt(b.getShort(KIND_OFFSET));
        if (k != kind) {
            return Decoded.not(Verdict.WRONG_KIND, "record kind " + k + ", expected " + kind);
        }
        long at = Integer.toUnsignedLong(b.getInt(SECTOR_OFFSET));
        if (at != (sectorIndex & 0xFFFF_FFFFL)) {
            return Decoded.not(Verdict.MISPLACED, "record of sector " + at + " found at sector " + sectorIndex);
        }
        return null;
    }

    static long generation(byte[] sector) {
        return Fields.le(sector).getLong(GENERATION_OFFSET);
    }
}
