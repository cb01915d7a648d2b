package org.diskpaxos.lock.disk;

import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.RindexDescriptor;

/**
 * Where a lockspace's areas are on each of its disks, starting at the disk's base offset (a multiple of the area
 * size), one area of {@code alignSize} each — sanlock's conventional layout, so that {@code sanlock direct} reads
 * every part of it:
 * <pre>
 *  base + 0·A   lockspace: one delta-lease sector per host id
 *  base + 1·A   resource index (sanlock rindex): header, then one 64-byte entry per resource name
 *  base + 2·A   the index's private paxos lease ("rindex_lease"), serializing index updates
 *  base + 3·A   resource 0's paxos lease area; resource n at base + (3 + n)·A (sanlock: rx_offset + 2A + nA)
 * </pre>
 *
 * @param geometry        sector size, area size and host count
 * @param maxResources    how many resources the index holds
 */
public record LockspaceLayout(AreaGeometry geometry, int maxResources) {

    /** sanlock's default for {@code format -x}. */
    public static final int MAX_RESOURCES_DEFAULT = 4096;

    public LockspaceLayout {
        if (maxResources < 1 || maxResources > RindexDescriptor.maxEntries(geometry)) {
            throw new IllegalArgumentException("max resources must be 1.." + RindexDescriptor.maxEntries(geometry)
                    + " for " + geometry.describe() + ", got " + maxResources);
        }
    }

    public long lockspaceOffsetBytes(long baseBytes) {
        return baseBytes;
    }

    public long rindexOffsetBytes(long baseBytes) {
        return baseBytes + geometry.alignSizeBytes();
    }

    public long rindexLeaseOffsetBytes(long baseBytes) {
        return baseBytes + 2L * geometry.alignSizeBytes();
    }

    public long resourceOffsetBytes(long baseBytes, int index) {
        if (index < 0 || index >= maxResources) {
            throw new IllegalArgumentException("resource index " + index + " outside 0.." + (maxResources - 1));
        }
        return RindexDescriptor.resourceOffsetBytes(geometry, rindexOffsetBytes(baseBytes), index);
    }

    /** Bytes a disk needs from its base to hold {@code resources} resources. */
    public long bytesFor(int resources) {
        return (3L + resources) * geometry.alignSizeBytes();
    }

    /** Bytes of index entries to read (sector 1 on): {@code maxResources} entries, rounded up to whole sectors. */
    public int entriesLengthBytes() {
        int bytes = maxResources * RindexDescriptor.ENTRY_LENGTH;
        int sector = geometry.sectorSizeBytes();
        return (bytes + sector - 1) / sector * sector;
    }
}
