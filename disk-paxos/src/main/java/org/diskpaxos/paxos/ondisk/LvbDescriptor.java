package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of dplock's lock value block sector, at {@link AreaGeometry#resourceLvbOffsetBytes()} (sector
 * {@code max_hosts + 2}) of a resource area. Little-endian.
 *
 * <pre>
 *  offset  field     type  notes
 *       0 +---------+-----+--------------------------------------------------------------
 *         | magic   | u32 | {@value #MAGIC_HEX} ("DPLV" read as bytes 'V','L','P','D')
 *       4 | version | u32 | {@value #VERSION_HEX}: major 1, minor 1
 *       8 | areaId  | u64 | {@link DblockStamp#areaId}: which lockspace and resource
 *      16 | lver    | u64 | lease version of the exclusive holder that wrote it
 *      24 | length  | u32 | bytes of value, 0 .. sector size - {@value #HEADER_LENGTH}
 *      28 | crc     | u32 | CRC-32C (standard, {@link CRC32C}) of [0, 28) and the value
 *      32 | value   |     | {@code length} bytes; the rest of the sector is zero
 *         +---------+-----+
 * </pre>
 *
 * <p><b>Where we differ from sanlock.</b> sanlock stores the raw user bytes in the LVB sector, with no header, no
 * checksum and on disk 0 only, at the fixed sector 2002 (which for 4096-byte sectors with 1, 2 or 4 MiB areas lies
 * outside the area). We add this header so that a damaged or misplaced block reads as an error rather than as
 * someone's data, and so that with several disks the newest copy can be told from an older one. For the 512/1M and
 * 4096/8M geometries the sector is sanlock's LVB sector: sanlock's {@code get_lvb} would return our header followed
 * by the value, and a value sanlock wrote decodes here as {@link Verdict#BAD_MAGIC}. No other sanlock-visible field is
 * involved: sanlock never reads this sector except for its own LVB feature.
 *
 * <p>An all-zero sector (a freshly initialised area) is {@link Verdict#BLANK}: no value was ever written.
 */
public final class LvbDescriptor {
    public static final int MAGIC = 0x44504C56;
    static final String MAGIC_HEX = "0x44504C56";
    public static final int VERSION = 0x00010001;
    static final String VERSION_HEX = "0x00010001";

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int AREA_ID_OFFSET = VERSION_OFFSET + 4;
    public static final int LVER_OFFSET = AREA_ID_OFFSET + 8;
    public static final int LENGTH_OFFSET = LVER_OFFSET + 8;
    public static final int CRC_OFFSET = LENGTH_OFFSET + 4;
    public static final int HEADER_LENGTH = CRC_OFFSET + 4;

    static {
        LeaderRecordDescriptor.check(HEADER_LENGTH == 32, "the LVB header is 32 bytes");
    }

    private LvbDescriptor() {
    }

    /** The largest value a sector of {@code sectorSizeBytes} holds. */
    public static int capacityBytes(int sectorSizeBytes) {
        return sectorSizeBytes - HEADER_LENGTH;
    }

    /** A whole sector holding {@code lvb}; throws if the value does not fit. */
    public static byte[] encodeSector(Lvb lvb, int sectorSizeBytes) {
        if (lvb.length() > capacityBytes(sectorSizeBytes)) {
            throw new IllegalArgumentException("a lock value block holds at most " + capacityBytes(sectorSizeBytes)
                    + " bytes with " + sectorSizeBytes + "-byte sectors, got " + lvb.length());
        }
        byte[] sector = new byte[sectorSizeBytes];
        ByteBuffer buffer = ByteBuffer.wrap(sector);
        LittleEndian.putInt(buffer, MAGIC_OFFSET, MAGIC);
        LittleEndian.putInt(buffer, VERSION_OFFSET, VERSION);
        LittleEndian.putLong(buffer, AREA_ID_OFFSET, lvb.areaId());
        LittleEndian.putLong(buffer, LVER_OFFSET, lvb.lver());
        LittleEndian.putInt(buffer, LENGTH_OFFSET, lvb.length());
        System.arraycopy(lvb.value(), 0, sector, HEADER_LENGTH, lvb.length());
        LittleEndian.putInt(buffer, CRC_OFFSET, crc(buffer, 0, lvb.length()));
        return sector;
    }

    /**
     * Judges the sector at {@code offset} ({@code sectorSizeBytes} long) as area {@code areaId}'s lock value block:
     * TRUNCATED, BLANK (value empty, lver 0), BAD_MAGIC, UNSUPPORTED_VERSION, BAD_CHECKSUM (also for a length that
     * does not fit the sector), WRONG_RESOURCE (another area's block) or VALID. Never throws.
     */
    public static Decoded<Lvb> decode(ByteBuffer buffer, int offset, int sectorSizeBytes, long areaId) {
        if (!LittleEndian.fits(buffer, offset, sectorSizeBytes) || sectorSizeBytes < HEADER_LENGTH) {
            return Decoded.truncated("lock value block needs " + sectorSizeBytes + " bytes at " + offset);
        }
        if (LittleEndian.isZero(buffer, offset, sectorSizeBytes)) {
            return new Decoded<>(Verdict.BLANK, new Lvb(areaId, 0, new byte[0]), "never written");
        }
        int magic = LittleEndian.getInt(buffer, offset + MAGIC_OFFSET);
        int version = LittleEndian.getInt(buffer, offset + VERSION_OFFSET);
        long storedArea = LittleEndian.getLong(buffer, offset + AREA_ID_OFFSET);
        long lver = LittleEndian.getLong(buffer, offset + LVER_OFFSET);
        int length = LittleEndian.getInt(buffer, offset + LENGTH_OFFSET);
        boolean lengthFits = length >= 0 && length <= capacityBytes(sectorSizeBytes);
        byte[] value = new byte[lengthFits ? length : 0];
        buffer.get(offset + HEADER_LENGTH, value);
        Lvb lvb = new Lvb(storedArea, Math.max(0, lver), value);
        if (magic != MAGIC) {
            return new Decoded<>(Verdict.BAD_MAGIC, lvb, "magic " + LeaderRecordDescriptor.hex(magic)
                    + " is not a dplock lock value block (sanlock writes raw bytes here)");
        }
        if ((version & LeaderRecordDescriptor.VERSION_MAJOR_MASK) != (VERSION & LeaderRecordDescriptor.VERSION_MAJOR_MASK)) {
            return new Decoded<>(Verdict.UNSUPPORTED_VERSION, lvb, "version " + LeaderRecordDescriptor.hex(version));
        }
        if (!lengthFits) {
            return new Decoded<>(Verdict.BAD_CHECKSUM, lvb, "length " + Integer.toUnsignedString(length)
                    + " does not fit a " + sectorSizeBytes + "-byte sector");
        }
        int stored = LittleEndian.getInt(buffer, offset + CRC_OFFSET);
        int computed = crc(buffer, offset, length);
        if (stored != computed || lver < 0) {
            return new Decoded<>(Verdict.BAD_CHECKSUM, lvb, "checksum " + LeaderRecordDescriptor.hex(stored)
                    + ", computed " + LeaderRecordDescriptor.hex(computed));
        }
        if (storedArea != areaId) {
            return new Decoded<>(Verdict.WRONG_RESOURCE, lvb, "the block belongs to another resource area (id "
                    + Long.toHexString(storedArea) + ", expected " + Long.toHexString(areaId) + ")");
        }
        return Decoded.valid(lvb);
    }

    private static int crc(ByteBuffer buffer, int offset, int valueLength) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(offset + CRC_OFFSET).position(offset);
        crc.update(view);
        view.limit(offset + HEADER_LENGTH + valueLength).position(offset + HEADER_LENGTH);
        crc.update(view);
        return (int) crc.getValue();
    }
}
