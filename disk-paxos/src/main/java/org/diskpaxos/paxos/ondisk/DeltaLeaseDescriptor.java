package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of one delta-lease sector of a lockspace area (host {@code h} at sector {@code h - 1}):
 *
 * <pre>
 *  offset  content
 *       0 +--------------------------------------------------+
 *         | leader_record (200 bytes, DELTA_DISK_MAGIC)       |  see LeaderRecordDescriptor
 *     200 | zero (the leader may grow to LEADER_RECORD_MAX)   |
 *     256 | host-id bitmap (256 bytes, 2048 bits)             |  HOSTID_BITMAP_OFFSET / _SIZE
 *     512 | zero, up to the end of a 4096-byte sector         |
 *         +--------------------------------------------------+
 * </pre>
 *
 * The bitmap is not checksummed.
 */
public final class DeltaLeaseDescriptor {
    public static final int LEADER_OFFSET = 0;
    public static final int BITMAP_OFFSET = LEADER_OFFSET + LeaderRecordDescriptor.RECORD_MAX;
    public static final int LENGTH = BITMAP_OFFSET + HostIdBitmap.LENGTH;

    static {
        LeaderRecordDescriptor.check(BITMAP_OFFSET == 256, "HOSTID_BITMAP_OFFSET is 256");
        LeaderRecordDescriptor.check(LENGTH <= 512, "a delta-lease sector fits the smallest sector");
    }

    private DeltaLeaseDescriptor() {
    }

    /** Writes the leader, zeros up to the bitmap, and the bitmap: {@link #LENGTH} bytes at {@code offset}. */
    public static int encode(DeltaLease lease, ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            throw new IndexOutOfBoundsException("delta lease needs " + LENGTH + " bytes at " + offset);
        }
        int checksum = LeaderRecordDescriptor.encode(lease.leader(), buffer, offset + LEADER_OFFSET);
        LittleEndian.zero(buffer, offset + LeaderRecordDescriptor.LENGTH,
                BITMAP_OFFSET - LeaderRecordDescriptor.LENGTH);
        lease.bitmap().write(buffer, offset + BITMAP_OFFSET);
        return checksum;
    }

    /** A whole sector, as sanlock's renewal writes it: leader, bitmap, zeros. */
    public static byte[] encodeSector(DeltaLease lease, int sectorSizeBytes) {
        byte[] sector = new byte[sectorSizeBytes];
        encode(lease, ByteBuffer.wrap(sector), 0);
        return sector;
    }

    /**
     * Decodes the delta lease at {@code offset}: the leader's verdict ({@link LeaderRecordDescriptor#decode}), with a
     * valid paxos or cleared leader reported as {@link Verdict#WRONG_KIND}. Never throws.
     */
    public static Decoded<DeltaLease> decode(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            return Decoded.truncated("delta lease needs " + LENGTH + " bytes at " + offset + ", buffer has "
                    + Math.max(0, buffer.limit() - offset));
        }
        Decoded<LeaderRecord> leader = LeaderRecordDescriptor.decode(buffer, offset + LEADER_OFFSET);
        DeltaLease lease = new DeltaLease(leader.value(), HostIdBitmap.read(buffer, offset + BITMAP_OFFSET));
        LeaderRecord.Kind kind = leader.value().kind();
        if (kind == LeaderRecord.Kind.PAXOS || kind == LeaderRecord.Kind.PAXOS_CLEARED) {
            return new Decoded<>(Verdict.WRONG_KIND, lease, "a resource (paxos) leader, not a delta lease");
        }
        if (leader.verdict() == Verdict.BLANK && !lease.bitmap().isEmpty()) {
            return new Decoded<>(Verdict.BAD_MAGIC, lease, "zero leader but a non-zero bitmap");
        }
        return new Decoded<>(leader.verdict(), lease, leader.reason());
    }
}
