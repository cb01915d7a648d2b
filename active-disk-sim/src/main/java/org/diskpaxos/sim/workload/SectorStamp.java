package org.diskpaxos.sim.workload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The content the disk-io workload writes into each sector, so that any sector read back names the write that
 * produced it and shows whether it is intact.
 *
 * <pre>
 *  0       4        8              16             24                       size-4     size
 *  ├ magic ┼ disk   ┼ writeId      ┼ sector       ┼ filler (from writeId) ─┼ crc32c ──┤
 * </pre>
 * Little-endian. {@code sector} is the sector the write was addressed to (a misdirected write carries its intended
 * sector elsewhere); the CRC-32C covers every byte before it. An all-zero sector is the disk's initial content.
 */
final class SectorStamp {
    static final int MAGIC = 0x574D4953; // "SIMW" in little-endian
    static final int DISK_OFFSET = 4;
    static final int WRITE_ID_OFFSET = DISK_OFFSET + Integer.BYTES;
    static final int SECTOR_OFFSET = WRITE_ID_OFFSET + Long.BYTES;
    static final int FILLER_OFFSET = SECTOR_OFFSET + Long.BYTES;

    enum Verdict { ZERO, VALID, CORRUPT }

    /** What a sector holds: its verdict and, when valid, who wrote it. */
    record Decoded(Verdict verdict, int disk, long writeId, long sector) {
        static final Decoded ZERO = new Decoded(Verdict.ZERO, -1, -1, -1);
        static final Decoded CORRUPT = new Decoded(Verdict.CORRUPT, -1, -1, -1);
    }

    private final int sectorSizeBytes;
    private final byte[] scratch;
    private final ByteBuffer scratchBuffer;
    private final CRC32C crc = new CRC32C();

    SectorStamp(int sectorSizeBytes) {
        this.sectorSizeBytes = sectorSizeBytes;
        this.scratch = new byte[sectorSizeBytes];
        this.scratchBuffer = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the stamp of (disk, writeId, sector) into {@code target} at {@code at}. */
    void encode(ByteBuffer target, int at, int disk, long writeId, long sector) {
        scratchBuffer.putInt(0, MAGIC);
        scratchBuffer.putInt(DISK_OFFSET, disk);
        scratchBuffer.putLong(WRITE_ID_OFFSET, writeId);
        scratchBuffer.putLong(SECTOR_OFFSET, sector);
        long fill = writeId * 0x9E3779B97F4A7C15L + sector;
        int crcOffset = sectorSizeBytes - Integer.BYTES;
        int i = FILLER_OFFSET;
        for (; i + Long.BYTES <= crcOffset; i += Long.BYTES) {
            fill = fill * 6364136223846793005L + 1442695040888963407L;
            scratchBuffer.putLong(i, fill);
        }
        for (; i < crcOffset; i++) {
            scratch[i] = (byte) i;
        }
        crc.reset();
        crc.update(scratch, 0, crcOffset);
        scratchBuffer.putInt(crcOffset, (int) crc.getValue());
        target.put(at, scratch, 0, sectorSizeBytes);
    }

    /** Reads the sector at {@code at} of {@code source}. */
    Decoded decode(ByteBuffer source, int at) {
        source.get(at, scratch, 0, sectorSizeBytes);
        boolean zero = true;
        for (byte b : scratch) {
            if (b != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            return Decoded.ZERO;
        }
        int crcOffset = sectorSizeBytes - Integer.BYTES;
        crc.reset();
        crc.update(scratch, 0, crcOffset);
        if (scratchBuffer.getInt(0) != MAGIC || scratchBuffer.getInt(crcOffset) != (int) crc.getValue()) {
            return Decoded.CORRUPT;
        }
        return new Decoded(Verdict.VALID, scratchBuffer.getInt(DISK_OFFSET), scratchBuffer.getLong(WRITE_ID_OFFSET),
                scratchBuffer.getLong(SECTOR_OFFSET));
    }
}
