package org.diskpaxos.sim.disk;

/**
 * Size of a simulated disk: {@code sectorCount} sectors of {@code sectorSizeBytes}. Sectors are the unit of
 * atomic writes: a write of one sector lands whole or not at all; a multi-sector write only per sector.
 */
public record DiskGeometry(int sectorSizeBytes, int sectorCount) {
    /** Limit on a simulated disk's size: the image lives on the heap. */
    public static final long SIZE_BYTES_MAX = 256L << 20;

    public DiskGeometry {
        if (sectorSizeBytes != 512 && sectorSizeBytes != 4096) {
            throw new IllegalArgumentException("sector size must be 512 or 4096 bytes, got " + sectorSizeBytes);
        }
        if (sectorCount <= 0 || (long) sectorCount * sectorSizeBytes > SIZE_BYTES_MAX) {
            throw new IllegalArgumentException("disk of " + sectorCount + " sectors of " + sectorSizeBytes
                    + " bytes is outside (0, " + SIZE_BYTES_MAX + "] bytes");
        }
    }

    public long sizeBytes() {
        return (long) sectorCount * sectorSizeBytes;
    }

    public long sectorOf(long offsetBytes) {
        return offsetBytes / sectorSizeBytes;
    }
}
