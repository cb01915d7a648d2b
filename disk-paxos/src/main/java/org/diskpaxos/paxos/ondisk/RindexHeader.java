package org.diskpaxos.paxos.ondisk;

/**
 * sanlock's {@code struct rindex_header} ({@code src/rindex_disk.h}): sector 0 of a resource-index area, which maps
 * resource names to the offsets of their lease areas (sanlock.md §1.8).
 *
 * @param version on-disk version, 0x00010002 for sanlock 3.8
 * @param flags {@code RHF_ALIGN_1M/2M/4M/8M} = 0x1/0x2/0x4/0x8
 * @param sectorSizeBytes 512 or 4096
 * @param maxResources entries searched (default 4096; at most 16000 for 1 MiB areas .. 128000 for 8 MiB)
 * @param unused written as 0
 * @param rindexOffsetBytes where this header lives on the disk (a multiple of the area size)
 * @param lockspaceName the lockspace the indexed resources belong to
 */
public record RindexHeader(int version, int flags, int sectorSizeBytes, int maxResources, int unused,
        long rindexOffsetBytes, String lockspaceName) {
    public static final int DEFAULT_MAX_RESOURCES = 4096;

    /** The header {@code sanlock direct format -x} writes. */
    public static RindexHeader format(String lockspaceName, AreaGeometry geometry, long rindexOffsetBytes) {
        OnDiskName.requireValid(lockspaceName, "lockspace name");
        if (rindexOffsetBytes % geometry.alignSizeBytes() != 0) {
            throw new IllegalArgumentException("rindex offset " + rindexOffsetBytes + " is not a multiple of "
                    + geometry.alignSizeBytes());
        }
        int flag = RindexDescriptor.alignFlag(geometry.alignSizeBytes());
        return new RindexHeader(RindexDescriptor.RINDEX_DISK_VERSION, flag, geometry.sectorSizeBytes(),
                DEFAULT_MAX_RESOURCES, 0, rindexOffsetBytes, lockspaceName);
    }

    /** This header with another {@code max_resources}. */
    public RindexHeader withMaxResources(int newMaxResources) {
        return new RindexHeader(version, flags, sectorSizeBytes, newMaxResources, unused, rindexOffsetBytes,
                lockspaceName);
    }
}
