package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of sanlock's resource index ({@code src/rindex_disk.h}): two areas; the first holds the header in sector 0
 * and 64-byte entries from sector 1 on, the second a private paxos lease named "rindex_lease" that serialises updates.
 * Entry {@code n} is at {@code sector_size + n * 64} from the index start and describes the lease area at
 * {@code rindex_offset + 2 * align + n * align}. No checksums anywhere.
 *
 * <pre>
 *  rindex_header                                   rindex_entry
 *  offset field         type                       offset field       type
 *       0 magic         u32  0x01042018                 0 res_offset  u64
 *       4 version       u32  0x00010002                 8 flags       u32
 *       8 flags         u32  RHF_ALIGN_*               12 unused      u32
 *      12 sector_size   u32                            16 name        char[48]
 *      16 max_resources u32                            64 (ENTRY_LENGTH)
 *      20 unused        u32
 *      24 rx_offset     u64
 *      32 lockspace_name char[48]
 *      80 (HEADER_LENGTH)
 * </pre>
 */
public final class RindexDescriptor {
    public static final int RINDEX_DISK_MAGIC = 0x01042018;
    public static final int RINDEX_DISK_VERSION = 0x00010002;
    public static final int RHF_ALIGN_1M = 0x1;
    public static final int RHF_ALIGN_2M = 0x2;
    public static final int RHF_ALIGN_4M = 0x4;
    public static final int RHF_ALIGN_8M = 0x8;
    /** The name sanlock gives the index's private paxos lease. */
    public static final String RINDEX_LEASE_NAME = "rindex_lease";

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int FLAGS_OFFSET = VERSION_OFFSET + 4;
    public static final int SECTOR_SIZE_OFFSET = FLAGS_OFFSET + 4;
    public static final int MAX_RESOURCES_OFFSET = SECTOR_SIZE_OFFSET + 4;
    public static final int UNUSED_OFFSET = MAX_RESOURCES_OFFSET + 4;
    public static final int RX_OFFSET_OFFSET = UNUSED_OFFSET + 4;
    public static final int LOCKSPACE_NAME_OFFSET = RX_OFFSET_OFFSET + 8;
    public static final int HEADER_LENGTH = LOCKSPACE_NAME_OFFSET + OnDiskName.LENGTH;

    public static final int ENTRY_RES_OFFSET_OFFSET = 0;
    public static final int ENTRY_FLAGS_OFFSET = ENTRY_RES_OFFSET_OFFSET + 8;
    public static final int ENTRY_UNUSED_OFFSET = ENTRY_FLAGS_OFFSET + 4;
    public static final int ENTRY_NAME_OFFSET = ENTRY_UNUSED_OFFSET + 4;
    public static final int ENTRY_LENGTH = ENTRY_NAME_OFFSET + OnDiskName.LENGTH;

    static {
        LeaderRecordDescriptor.check(HEADER_LENGTH == 80, "sizeof(struct rindex_header) is 80");
        LeaderRecordDescriptor.check(ENTRY_LENGTH == 64, "sizeof(struct rindex_entry) is 64");
    }

    private RindexDescriptor() {
    }

    /** Offset of entry {@code index} from the start of the index area. */
    public static int entryOffsetBytes(AreaGeometry geometry, int index) {
        if (index < 0 || index >= maxEntries(geometry)) {
            throw new IllegalArgumentException("rindex entry " + index + " outside 0.." + (maxEntries(geometry) - 1));
        }
        return geometry.sectorSizeBytes() + index * ENTRY_LENGTH;
    }

    /** Where the lease described by entry {@code index} lives on the disk. */
    public static long resourceOffsetBytes(AreaGeometry geometry, long rindexOffsetBytes, int index) {
        return rindexOffsetBytes + 2L * geometry.alignSizeBytes() + (long) index * geometry.alignSizeBytes();
    }

    /** 16000 entries for 1 MiB areas up to 128000 for 8 MiB: max_hosts sectors of entries. */
    public static int maxEntries(AreaGeometry geometry) {
        return geometry.maxHosts() * (geometry.sectorSizeBytes() / ENTRY_LENGTH);
    }

    static int alignFlag(int alignSizeBytes) {
        switch (alignSizeBytes / AreaGeometry.MIB) {
            case 1:
                return RHF_ALIGN_1M;
            case 2:
                return RHF_ALIGN_2M;
            case 4:
                return RHF_ALIGN_4M;
            default:
                return RHF_ALIGN_8M;
        }
    }

    public static void encodeHeader(RindexHeader header, ByteBuffer buffer, int offset) {
        OnDiskName.toBytes(header.lockspaceName(), "lockspace name");
        if (!LittleEndian.fits(buffer, offset, HEADER_LENGTH)) {
            throw new IndexOutOfBoundsException("rindex header needs " + HEADER_LENGTH + " bytes at " + offset);
        }
        LittleEndian.putInt(buffer, offset + MAGIC_OFFSET, RINDEX_DISK_MAGIC);
        LittleEndian.putInt(buffer, offset + VERSION_OFFSET, header.version());
        LittleEndian.putInt(buffer, offset + FLAGS_OFFSET, header.flags());
        LittleEndian.putInt(buffer, offset + SECTOR_SIZE_OFFSET, header.sectorSizeBytes());
        LittleEndian.putInt(buffer, offset + MAX_RESOURCES_OFFSET, header.maxResources());
        LittleEndian.putInt(buffer, offset + UNUSED_OFFSET, header.unused());
        LittleEndian.putLong(buffer, offset + RX_OFFSET_OFFSET, header.rindexOffsetBytes());
        OnDiskName.put(buffer, offset + LOCKSPACE_NAME_OFFSET, header.lockspaceName(), "lockspace name");
    }

    /** TRUNCATED, BLANK, BAD_MAGIC, UNSUPPORTED_VERSION (major other than 1) or VALID. Never throws. */
    public static Decoded<RindexHeader> decodeHeader(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, HEADER_LENGTH)) {
            return Decoded.truncated("rindex header needs " + HEADER_LENGTH + " bytes at " + offset);
        }
        int magic = LittleEndian.getInt(buffer, offset + MAGIC_OFFSET);
        RindexHeader header = new RindexHeader(LittleEndian.getInt(buffer, offset + VERSION_OFFSET),
                LittleEndian.getInt(buffer, offset + FLAGS_OFFSET),
                LittleEndian.getInt(buffer, offset + SECTOR_SIZE_OFFSET),
                LittleEndian.getInt(buffer, offset + MAX_RESOURCES_OFFSET),
                LittleEndian.getInt(buffer, offset + UNUSED_OFFSET),
                LittleEndian.getLong(buffer, offset + RX_OFFSET_OFFSET),
                OnDiskName.get(buffer, offset + LOCKSPACE_NAME_OFFSET));
        if (LittleEndian.isZero(buffer, offset, HEADER_LENGTH)) {
            return new Decoded<>(Verdict.BLANK, header, "all zero");
        }
        if (magic != RINDEX_DISK_MAGIC) {
            return new Decoded<>(Verdict.BAD_MAGIC, header, "magic " + LeaderRecordDescriptor.hex(magic));
        }
        if ((header.version() & LeaderRecordDescriptor.VERSION_MAJOR_MASK)
                != (RINDEX_DISK_VERSION & LeaderRecordDescriptor.VERSION_MAJOR_MASK)) {
            return new Decoded<>(Verdict.UNSUPPORTED_VERSION, header,
                    "version " + LeaderRecordDescriptor.hex(header.version()));
        }
        return Decoded.valid(header);
    }

    public static void encodeEntry(RindexEntry entry, ByteBuffer buffer, int offset) {
        OnDiskName.toBytes(entry.name(), "resource name");
        if (!LittleEndian.fits(buffer, offset, ENTRY_LENGTH)) {
            throw new IndexOutOfBoundsException("rindex entry needs " + ENTRY_LENGTH + " bytes at " + offset);
        }
        LittleEndian.putLong(buffer, offset + ENTRY_RES_OFFSET_OFFSET, entry.resourceOffsetBytes());
        LittleEndian.putInt(buffer, offset + ENTRY_FLAGS_OFFSET, entry.flags());
        LittleEndian.putInt(buffer, offset + ENTRY_UNUSED_OFFSET, entry.unused());
        OnDiskName.put(buffer, offset + ENTRY_NAME_OFFSET, entry.name(), "resource name");
    }

    /** TRUNCATED, BLANK (a free slot) or VALID: entries carry no magic and no checksum. Never throws. */
    public static Decoded<RindexEntry> decodeEntry(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, ENTRY_LENGTH)) {
            return Decoded.truncated("rindex entry needs " + ENTRY_LENGTH + " bytes at " + offset);
        }
        RindexEntry entry = new RindexEntry(LittleEndian.getLong(buffer, offset + ENTRY_RES_OFFSET_OFFSET),
                LittleEndian.getInt(buffer, offset + ENTRY_FLAGS_OFFSET),
                LittleEndian.getInt(buffer, offset + ENTRY_UNUSED_OFFSET),
                OnDiskName.get(buffer, offset + ENTRY_NAME_OFFSET));
        if (LittleEndian.isZero(buffer, offset, ENTRY_LENGTH)) {
            return new Decoded<>(Verdict.BLANK, entry, "free slot");
        }
        return Decoded.valid(entry);
    }
}
