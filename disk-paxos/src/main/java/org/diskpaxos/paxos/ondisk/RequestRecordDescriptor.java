package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of sanlock's {@code struct request_record} ({@code src/leader.h}), little-endian, at the start of sector 1 of
 * a resource area.
 *
 * <pre>
 *  offset  field      type  notes
 *       0 +----------+-----+--------------------------------------
 *         | magic    | u32 | REQ_DISK_MAGIC 0x08292011
 *       4 | version  | u32 | 0x00010001 (major 1, minor 1)
 *       8 | lver     | u64 |
 *      16 | force_mode| u32|
 *      20 | (padding)| u32 | C struct padding to 8; written as 0
 *      24 +----------+-----+  LENGTH.  No checksum.
 * </pre>
 */
public final class RequestRecordDescriptor {
    public static final int REQ_DISK_MAGIC = 0x08292011;
    public static final int REQ_DISK_VERSION = 0x00010001;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int LVER_OFFSET = VERSION_OFFSET + 4;
    public static final int FORCE_MODE_OFFSET = LVER_OFFSET + 8;
    public static final int PADDING_OFFSET = FORCE_MODE_OFFSET + 4;
    public static final int LENGTH = PADDING_OFFSET + 4;

    static {
        LeaderRecordDescriptor.check(LENGTH == 24, "sizeof(struct request_record) is 24");
    }

    private RequestRecordDescriptor() {
    }

    public static void encode(RequestRecord record, ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            throw new IndexOutOfBoundsException("request record needs " + LENGTH + " bytes at " + offset);
        }
        LittleEndian.putInt(buffer, offset + MAGIC_OFFSET, REQ_DISK_MAGIC);
        LittleEndian.putInt(buffer, offset + VERSION_OFFSET, record.version());
        LittleEndian.putLong(buffer, offset + LVER_OFFSET, record.lver());
        LittleEndian.putInt(buffer, offset + FORCE_MODE_OFFSET, record.forceMode());
        LittleEndian.putInt(buffer, offset + PADDING_OFFSET, 0);
    }

    /** TRUNCATED, BLANK, BAD_MAGIC, UNSUPPORTED_VERSION (major other than 1) or VALID. Never throws. */
    public static Decoded<RequestRecord> decode(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            return Decoded.truncated("request record needs " + LENGTH + " bytes at " + offset);
        }
        int magic = LittleEndian.getInt(buffer, offset + MAGIC_OFFSET);
        RequestRecord record = new RequestRecord(LittleEndian.getInt(buffer, offset + VERSION_OFFSET),
                LittleEndian.getLong(buffer, offset + LVER_OFFSET),
                LittleEndian.getInt(buffer, offset + FORCE_MODE_OFFSET));
        if (LittleEndian.isZero(buffer, offset, LENGTH)) {
            return new Decoded<>(Verdict.BLANK, record, "all zero");
        }
        if (magic != REQ_DISK_MAGIC) {
            return new Decoded<>(Verdict.BAD_MAGIC, record, "magic " + LeaderRecordDescriptor.hex(magic));
        }
        if ((record.version() & LeaderRecordDescriptor.VERSION_MAJOR_MASK)
                != (REQ_DISK_VERSION & LeaderRecordDescriptor.VERSION_MAJOR_MASK)) {
            return new Decoded<>(Verdict.UNSUPPORTED_VERSION, record,
                    "version " + LeaderRecordDescriptor.hex(record.version()));
        }
        return Decoded.valid(record);
    }
}
