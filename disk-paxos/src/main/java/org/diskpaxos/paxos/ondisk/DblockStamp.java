package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Our extension to the dblock sector: a self-identification stamp in bytes sanlock leaves unused (between the end
 * of {@code struct paxos_dblock} at 56 and the mode block at 128), so that a block found in the wrong place is
 * recognised (TigerBeetle's "copy" and "cluster" fields). sanlock never reads these bytes and writes them as zero,
 * so a sector sanlock wrote simply has no stamp and is trusted as sanlock would trust it.
 *
 * <pre>
 *  offset  field      type  notes
 *      64 +----------+-----+--------------------------------------------------------------
 *         | magic    | u32 | {@value #MAGIC_HEX}: the stamp is present
 *      68 | hostId   | u32 | the host whose sector this is (sector hostId + 1 of the area)
 *      72 | areaId   | u64 | {@link #areaId}: which lockspace and resource the area belongs to
 *      80 | crc      | u32 | CRC-32C (standard) of sector bytes [0, 80): the dblock, flags and the stamp
 *      84 +----------+-----+  (84..127 stay zero)
 * </pre>
 *
 * <p>What it catches: a misdirected write (the block lands in another host's sector or another area: the host id
 * or area id does not match where it is read), a misdirected read (a whole area read from the wrong place), and
 * damage to the flags, which sanlock's checksum does not cover.
 */
public final class DblockStamp {
    public static final int MAGIC = 0x44504944;
    static final String MAGIC_HEX = "0x44504944";
    public static final int MAGIC_OFFSET = 64;
    public static final int HOST_ID_OFFSET = MAGIC_OFFSET + 4;
    public static final int AREA_ID_OFFSET = HOST_ID_OFFSET + 4;
    public static final int CRC_OFFSET = AREA_ID_OFFSET + 8;
    public static final int END_OFFSET = CRC_OFFSET + 4;

    static {
        LeaderRecordDescriptor.check(MAGIC_OFFSET >= DblockDescriptor.LENGTH, "the stamp starts after the dblock");
        LeaderRecordDescriptor.check(END_OFFSET <= AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR,
                "the stamp ends before the mode block");
    }

    /** What a stamp says about a sector. */
    public enum Check {
        /** No stamp: written by sanlock (or never written). */
        ABSENT,
        /** Stamp present and matching. */
        MATCHES,
        /** Stamp present but its checksum is wrong. */
        CORRUPT,
        /** Stamp names another host: the block is in the wrong sector. */
        WRONG_HOST,
        /** Stamp names another area: the block belongs to another lockspace or resource. */
        WRONG_AREA
    }

    private DblockStamp() {
    }

    /** The identity of a resource's lease area: a 64-bit FNV-1a hash of the two names. */
    public static long areaId(String lockspaceName, String resourceName) {
        long h = 0xcbf29ce484222325L;
        byte[] bytes = (lockspaceName + '\0' + resourceName).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** Stamps the sector at {@code sectorOffset} (its dblock already encoded) as host {@code hostId}'s in area {@code areaId}. */
    public static void stamp(ByteBuffer sector, int sectorOffset, long hostId, long areaId) {
        LittleEndian.putInt(sector, sectorOffset + MAGIC_OFFSET, MAGIC);
        LittleEndian.putInt(sector, sectorOffset + HOST_ID_OFFSET, (int) hostId);
        LittleEndian.putLong(sector, sectorOffset + AREA_ID_OFFSET, areaId);
        LittleEndian.putInt(sector, sectorOffset + CRC_OFFSET, crc(sector, sectorOffset));
    }

    /**
     * The stamp checksums of the stamped blank sectors ({@link #stampedBlankSector}) of hosts {@code 1..numHosts} of
     * area {@code areaId}, at index {@code hostId} (index 0 unused): computed once per area, they let
     * {@link #isStampedBlank} recognise the commonest sector of a ballot read without computing a checksum.
     */
    public static int[] blankSectorCrcs(int numHosts, long areaId) {
        int[] crcs = new int[numHosts + 1];
        ByteBuffer sector = ByteBuffer.allocate(END_OFFSET);
        for (int h = 1; h <= numHosts; h++) {
            stamp(sector, 0, h, areaId);
            crcs[h] = LittleEndian.getInt(sector, CRC_OFFSET);
        }
        return crcs;
    }

    /**
     * Whether the sector at {@code sectorOffset} begins exactly as host {@code hostId}'s stamped blank sector of area
     * {@code areaId} does (dblock and padding zero, then the stamp), {@code blankCrc} being that sector's stamp
     * checksum ({@link #blankSectorCrcs}). If so, {@link #check} would say {@link Check#MATCHES} and the dblock
     * decodes as blank; if not, nothing follows: judge the sector the full way.
     */
    public static boolean isStampedBlank(ByteBuffer sector, int sectorOffset, long hostId, long areaId, int blankCrc) {
        if (!LittleEndian.fits(sector, sectorOffset, END_OFFSET)) {
            return false;
        }
        for (int at = 0; at < MAGIC_OFFSET; at += 8) {
            if (LittleEndian.getLong(sector, sectorOffset + at) != 0) {
                return false;
            }
        }
        return LittleEndian.getInt(sector, sectorOffset + MAGIC_OFFSET) == MAGIC
                && Integer.toUnsignedLong(LittleEndian.getInt(sector, sectorOffset + HOST_ID_OFFSET)) == hostId
                && LittleEndian.getLong(sector, sectorOffset + AREA_ID_OFFSET) == areaId
                && LittleEndian.getInt(sector, sectorOffset + CRC_OFFSET) == blankCrc;
    }

    /** Judges the stamp of the sector at {@code sectorOffset}, expected to be host {@code hostId}'s in {@code areaId}. */
    public static Check check(ByteBuffer sector, int sectorOffset, long hostId, long areaId) {
        if (LittleEndian.getInt(sector, sectorOffset + MAGIC_OFFSET) != MAGIC) {
            return Check.ABSENT;
        }
        if (LittleEndian.getInt(sector, sectorOffset + CRC_OFFSET) != crc(sector, sectorOffset)) {
            return Check.CORRUPT;
        }
        if (Integer.toUnsignedLong(LittleEndian.getInt(sector, sectorOffset + HOST_ID_OFFSET)) != hostId) {
            return Check.WRONG_HOST;
        }
        if (LittleEndian.getLong(sector, sectorOffset + AREA_ID_OFFSET) != areaId) {
            return Check.WRONG_AREA;
        }
        return Check.MATCHES;
    }

    /**
     * A never-written dblock sector (all zero, which sanlock accepts as an initial block) carrying host
     * {@code hostId}'s stamp for area {@code areaId}. An area formatted with these lets a reader require a stamp on
     * every block, so that even a read misdirected to an unwritten sector is recognised.
     */
    public static byte[] stampedBlankSector(int sectorSizeBytes, long hostId, long areaId) {
        byte[] sector = new byte[sectorSizeBytes];
        stamp(ByteBuffer.wrap(sector), 0, hostId, areaId);
        return sector;
    }

    /**
     * Stamps the blank dblock of hosts {@code 1..numHosts} in a resource area image (from {@link AreaInit#resource}),
     * so that readers can require stamps ({@link #stampedBlankSector}), and writes an empty lock value block (version
     * 0, no value) where the lock value block sector is blank and inside the image: a zero sector read there later
     * is then a read that went elsewhere, not "nothing written yet" (lease simulation seed 8597: a misdirected read
     * of a blank sector counted as a valid empty value and outvoted the real one). sanlock reads the result exactly
     * as the unstamped image: it never looks at these bytes (nor at the LVB sector, except for its own LVB feature).
     */
    public static void stampBlankRecords(byte[] area, AreaGeometry geometry, long numHosts, long areaId) {
        ByteBuffer buffer = ByteBuffer.wrap(area);
        for (long h = 1; h <= numHosts; h++) {
            int at = geometry.resourceDblockOffsetBytes(h);
            if (DblockDescriptor.decode(buffer, at).verdict() == Verdict.BLANK) {
                stamp(buffer, at, h, areaId);
            }
        }
        int sector = geometry.sectorSizeBytes();
        int lvbAt = geometry.resourceLvbOffsetBytes();
        if (lvbAt + sector <= area.length
                && LvbDescriptor.decode(buffer, lvbAt, sector, areaId).verdict() == Verdict.BLANK) {
            byte[] empty = LvbDescriptor.encodeSector(new Lvb(areaId, 0, new byte[0]), sector);
            System.arraycopy(empty, 0, area, lvbAt, sector);
        }
    }

    private static int crc(ByteBuffer sector, int sectorOffset) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = sector.duplicate();
        view.limit(sectorOffset + CRC_OFFSET).position(sectorOffset);
        crc.update(view);
        return (int) crc.getValue();
    }
}
