package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of sanlock's {@code struct leader_record} ({@code src/leader.h}), little-endian, at the start of a sector:
 * sector 0 of a resource area, and every host's sector of a lockspace area (see {@link DeltaLeaseDescriptor}).
 *
 * <pre>
 *  offset  field              type       notes
 *       0 +------------------+----------+------------------------------------------------------------
 *         | magic            | u32      | DELTA 0x12212010, PAXOS 0x06152010, PAXOS_CLEAR 0x11282016
 *       4 | version          | u32      | major &lt;&lt; 16 | minor; delta 0x00030004, paxos 0x00060004
 *       8 | flags            | u32      | LFL_SHORT_HOLD 0x1, LFL_ALIGN_1M/2M/4M/8M 0x10/0x20/0x40/0x80
 *      12 | sector_size      | u32      | 512 or 4096
 *      16 | num_hosts        | u64      | paxos: dblocks a ballot scans; delta: 0
 *      24 | max_hosts        | u64      | paxos: host slots (and mbal stride); delta: 1
 *      32 | owner_id         | u64      |
 *      40 | owner_generation | u64      |
 *      48 | lver             | u64      |
 *      56 | space_name       | char[48] | NUL-padded
 *     104 | resource_name    | char[48] | NUL-padded; delta: the holder's unique host name
 *     152 | timestamp        | u64      | 0 = free.  [0, 152) = LEADER_COMPARE_LEN
 *     160 | unused1          | u64      |
 *     168 | checksum         | u32      | sanlock CRC-32C of [0, 168) = LEADER_CHECKSUM_LEN
 *     172 | unused2          | u16      | -------- nothing from here on is checksummed --------
 *     174 | io_timeout       | u16      | delta: holder's io_timeout in seconds
 *     176 | write_id         | u64      | paxos: host that wrote the leader; delta: event field
 *     184 | write_generation | u64      |
 *     192 | write_timestamp  | u64      |
 *     200 +------------------+----------+  LENGTH; may use up to LEADER_RECORD_MAX = 256 bytes
 * </pre>
 *
 * <p>Not protected by the checksum: {@code unused2}, {@code io_timeout} and the three {@code write_*} fields, even
 * though sanlock uses {@code write_id} in release decisions and {@code io_timeout} for other hosts' dead-host timing.
 * A bit flip there decodes as {@link Verdict#VALID}; {@code CodecPropertiesTest} documents it.
 */
public final class LeaderRecordDescriptor {
    public static final int DELTA_DISK_MAGIC = 0x12212010;
    public static final int PAXOS_DISK_MAGIC = 0x06152010;
    /** Written by {@code sanlock direct init -r ... -z 1} so that later reads fail. */
    public static final int PAXOS_DISK_CLEAR = 0x11282016;
    /** Delta lease on-disk version written by sanlock 3.8: major 3, minor 4. */
    public static final int DELTA_DISK_VERSION = 0x00030004;
    /** Paxos lease on-disk version written by sanlock 3.8: major 6, minor 4. */
    public static final int PAXOS_DISK_VERSION = 0x00060004;
    /** Only the major half of a version is checked, as sanlock does. */
    public static final int VERSION_MAJOR_MASK = 0xFFFF0000;

    public static final int LFL_SHORT_HOLD = 0x00000001;
    public static final int LFL_ALIGN_1M = 0x00000010;
    public static final int LFL_ALIGN_2M = 0x00000020;
    public static final int LFL_ALIGN_4M = 0x00000040;
    public static final int LFL_ALIGN_8M = 0x00000080;

    private static final int SIZE_OF_U16 = 2;
    private static final int SIZE_OF_U32 = 4;
    private static final int SIZE_OF_U64 = 8;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_U32;
    public static final int FLAGS_OFFSET = VERSION_OFFSET + SIZE_OF_U32;
    public static final int SECTOR_SIZE_OFFSET = FLAGS_OFFSET + SIZE_OF_U32;
    public static final int NUM_HOSTS_OFFSET = SECTOR_SIZE_OFFSET + SIZE_OF_U32;
    public static final int MAX_HOSTS_OFFSET = NUM_HOSTS_OFFSET + SIZE_OF_U64;
    public static final int OWNER_ID_OFFSET = MAX_HOSTS_OFFSET + SIZE_OF_U64;
    public static final int OWNER_GENERATION_OFFSET = OWNER_ID_OFFSET + SIZE_OF_U64;
    public static final int LVER_OFFSET = OWNER_GENERATION_OFFSET + SIZE_OF_U64;
    public static final int SPACE_NAME_OFFSET = LVER_OFFSET + SIZE_OF_U64;
    public static final int RESOURCE_NAME_OFFSET = SPACE_NAME_OFFSET + OnDiskName.LENGTH;
    public static final int TIMESTAMP_OFFSET = RESOURCE_NAME_OFFSET + OnDiskName.LENGTH;
    public static final int UNUSED1_OFFSET = TIMESTAMP_OFFSET + SIZE_OF_U64;
    public static final int CHECKSUM_OFFSET = UNUSED1_OFFSET + SIZE_OF_U64;
    public static final int UNUSED2_OFFSET = CHECKSUM_OFFSET + SIZE_OF_U32;
    public static final int IO_TIMEOUT_OFFSET = UNUSED2_OFFSET + SIZE_OF_U16;
    public static final int WRITE_ID_OFFSET = IO_TIMEOUT_OFFSET + SIZE_OF_U16;
    public static final int WRITE_GENERATION_OFFSET = WRITE_ID_OFFSET + SIZE_OF_U64;
    public static final int WRITE_TIMESTAMP_OFFSET = WRITE_GENERATION_OFFSET + SIZE_OF_U64;
    /** {@code sizeof(struct leader_record)}. */
    public static final int LENGTH = WRITE_TIMESTAMP_OFFSET + SIZE_OF_U64;

    /** {@code LEADER_COMPARE_LEN}: everything before the timestamp; compares leaders across disks. */
    public static final int COMPARE_LENGTH = TIMESTAMP_OFFSET;
    /** {@code LEADER_CHECKSUM_LEN}: the checksum covers everything before itself. */
    public static final int CHECKSUM_LENGTH = CHECKSUM_OFFSET;
    /** {@code LEADER_RECORD_MAX}: a leader may use the first 256 bytes of its sector. */
    public static final int RECORD_MAX = 256;

    static {
        check(LENGTH == 200, "sizeof(struct leader_record) is 200");
        check(COMPARE_LENGTH == 152, "LEADER_COMPARE_LEN is 152");
        check(CHECKSUM_LENGTH == 168, "LEADER_CHECKSUM_LEN is 168");
        check(IO_TIMEOUT_OFFSET == 174 && WRITE_ID_OFFSET == 176, "io_timeout at 174, write_id at 176");
        check(LENGTH <= RECORD_MAX, "a leader fits LEADER_RECORD_MAX");
    }

    private LeaderRecordDescriptor() {
    }

    /**
     * Writes {@code record} as {@link #LENGTH} bytes at absolute index {@code offset}, computing the checksum over the
     * encoded bytes as sanlock does ("must compute checksum after the data has been byte swapped"). Bytes outside
     * {@code [offset, offset + LENGTH)} are not touched. Throws {@link IllegalArgumentException} for a name that cannot
     * be stored (a programmer error, checked before anything is written).
     *
     * @return the checksum written
     */
    public static int encode(LeaderRecord record, ByteBuffer buffer, int offset) {
        OnDiskName.toBytes(record.spaceName(), "lockspace name");
        OnDiskName.toBytes(record.resourceName(), "resource name");
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            throw new IndexOutOfBoundsException("leader record needs " + LENGTH + " bytes at " + offset);
        }
        LittleEndian.putInt(buffer, offset + MAGIC_OFFSET, record.magic());
        LittleEndian.putInt(buffer, offset + VERSION_OFFSET, record.version());
        LittleEndian.putInt(buffer, offset + FLAGS_OFFSET, record.flags());
        LittleEndian.putInt(buffer, offset + SECTOR_SIZE_OFFSET, record.sectorSizeBytes());
        LittleEndian.putLong(buffer, offset + NUM_HOSTS_OFFSET, record.numHosts());
        LittleEndian.putLong(buffer, offset + MAX_HOSTS_OFFSET, record.maxHosts());
        LittleEndian.putLong(buffer, offset + OWNER_ID_OFFSET, record.ownerId());
        LittleEndian.putLong(buffer, offset + OWNER_GENERATION_OFFSET, record.ownerGeneration());
        LittleEndian.putLong(buffer, offset + LVER_OFFSET, record.lver());
        OnDiskName.put(buffer, offset + SPACE_NAME_OFFSET, record.spaceName(), "lockspace name");
        OnDiskName.put(buffer, offset + RESOURCE_NAME_OFFSET, record.resourceName(), "resource name");
        LittleEndian.putLong(buffer, offset + TIMESTAMP_OFFSET, record.timestamp());
        LittleEndian.putLong(buffer, offset + UNUSED1_OFFSET, record.unused1());
        int checksum = SanlockCrc.checksum(buffer, offset, CHECKSUM_LENGTH);
        LittleEndian.putInt(buffer, offset + CHECKSUM_OFFSET, checksum);
        LittleEndian.putU16(buffer, offset + UNUSED2_OFFSET, record.unused2());
        LittleEndian.putU16(buffer, offset + IO_TIMEOUT_OFFSET, record.ioTimeoutSeconds());
        LittleEndian.putLong(buffer, offset + WRITE_ID_OFFSET, record.writeId());
        LittleEndian.putLong(buffer, offset + WRITE_GENERATION_OFFSET, record.writeGeneration());
        LittleEndian.putLong(buffer, offset + WRITE_TIMESTAMP_OFFSET, record.writeTimestamp());
        return checksum;
    }

    /** A whole sector holding {@code record} followed by zeros, as sanlock's {@code write_sector} writes a leader. */
    public static byte[] encodeSector(LeaderRecord record, int sectorSizeBytes) {
        byte[] sector = new byte[sectorSizeBytes];
        encode(record, ByteBuffer.wrap(sector), 0);
        return sector;
    }

    /**
     * Reads the leader record at absolute index {@code offset} and judges it on its own bytes only: {@code TRUNCATED},
     * {@code BLANK} (all {@link #LENGTH} bytes zero), {@code INIT_INCOMPLETE} (magic 0 but the rest checksums),
     * {@code BAD_MAGIC}, {@code CLEARED}, {@code UNSUPPORTED_VERSION} (major version of the magic's kind),
     * {@code BAD_CHECKSUM} or {@code VALID}. Never throws. Names, sizes and kind are judged by {@link AreaValidator}.
     */
    public static Decoded<LeaderRecord> decode(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            return Decoded.truncated("leader record needs " + LENGTH + " bytes at " + offset + ", buffer has "
                    + Math.max(0, buffer.limit() - offset));
        }
        LeaderRecord record = read(buffer, offset);
        if (LittleEndian.isZero(buffer, offset, LENGTH)) {
            return new Decoded<>(Verdict.BLANK, record, "all zero");
        }
        int stored = LittleEndian.getInt(buffer, offset + CHECKSUM_OFFSET);
        int computed = SanlockCrc.checksum(buffer, offset, CHECKSUM_LENGTH);
        int expectedMajor;
        switch (record.kind()) {
            case DELTA:
                expectedMajor = DELTA_DISK_VERSION & VERSION_MAJOR_MASK;
                break;
            case PAXOS:
                expectedMajor = PAXOS_DISK_VERSION & VERSION_MAJOR_MASK;
                break;
            case PAXOS_CLEARED:
                return new Decoded<>(Verdict.CLEARED, record, "magic " + hex(record.magic()) + " (cleared)");
            default:
                if (record.magic() == 0 && stored == computed) {
                    return new Decoded<>(Verdict.INIT_INCOMPLETE, record, "magic 0 with a valid checksum");
                }
                return new Decoded<>(Verdict.BAD_MAGIC, record, "magic " + hex(record.magic()));
        }
        if ((record.version() & VERSION_MAJOR_MASK) != expectedMajor) {
            return new Decoded<>(Verdict.UNSUPPORTED_VERSION, record, "version " + hex(record.version())
                    + ", expected major " + hex(expectedMajor >>> 16));
        }
        if (stored != computed) {
            return new Decoded<>(Verdict.BAD_CHECKSUM, record, "checksum " + hex(stored) + ", computed "
                    + hex(computed));
        }
        return Decoded.valid(record);
    }

    /** The checksum stored in the record at {@code offset} (caller guarantees the bytes are there). */
    /**
     * Whether the record at {@code offset} is intact: its stored checksum matches its bytes. Independent of the
     * order {@link #decode} judges in, so callers can tell a damaged record (a failing disk) from an intact record
     * of something else (a misconfigured disk).
     */
    public static boolean checksumMatches(ByteBuffer buffer, int offset) {
        return LittleEndian.fits(buffer, offset, LENGTH)
                && storedChecksum(buffer, offset) == SanlockCrc.checksum(buffer, offset, CHECKSUM_LENGTH);
    }

    public static int storedChecksum(ByteBuffer buffer, int offset) {
        return LittleEndian.getInt(buffer, offset + CHECKSUM_OFFSET);
    }

    /** The fields at {@code offset}, unjudged; the caller has checked that {@link #LENGTH} bytes are there. */
    static LeaderRecord read(ByteBuffer buffer, int offset) {
        return new LeaderRecord(
                LittleEndian.getInt(buffer, offset + MAGIC_OFFSET),
                LittleEndian.getInt(buffer, offset + VERSION_OFFSET),
                LittleEndian.getInt(buffer, offset + FLAGS_OFFSET),
                LittleEndian.getInt(buffer, offset + SECTOR_SIZE_OFFSET),
                LittleEndian.getLong(buffer, offset + NUM_HOSTS_OFFSET),
                LittleEndian.getLong(buffer, offset + MAX_HOSTS_OFFSET),
                LittleEndian.getLong(buffer, offset + OWNER_ID_OFFSET),
                LittleEndian.getLong(buffer, offset + OWNER_GENERATION_OFFSET),
                LittleEndian.getLong(buffer, offset + LVER_OFFSET),
                OnDiskName.get(buffer, offset + SPACE_NAME_OFFSET),
                OnDiskName.get(buffer, offset + RESOURCE_NAME_OFFSET),
                LittleEndian.getLong(buffer, offset + TIMESTAMP_OFFSET),
                LittleEndian.getLong(buffer, offset + UNUSED1_OFFSET),
                LittleEndian.getU16(buffer, offset + UNUSED2_OFFSET),
                LittleEndian.getU16(buffer, offset + IO_TIMEOUT_OFFSET),
                LittleEndian.getLong(buffer, offset + WRITE_ID_OFFSET),
                LittleEndian.getLong(buffer, offset + WRITE_GENERATION_OFFSET),
                LittleEndian.getLong(buffer, offset + WRITE_TIMESTAMP_OFFSET));
    }

    static String hex(int value) {
        return String.format("0x%08x", value);
    }

    static void check(boolean condition, String fact) {
        if (!condition) {
            throw new ExceptionInInitializerError("on-disk layout broken: " + fact);
        }
    }
}
