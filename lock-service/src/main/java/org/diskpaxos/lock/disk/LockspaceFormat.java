package org.diskpaxos.lock.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.paxos.ondisk.AreaCheck;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.AreaValidator;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.RindexDescriptor;
import org.diskpaxos.paxos.ondisk.RindexHeader;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * Formats a lockspace on its disks ({@code dplock init lockspace}): the lockspace area as sanlock's
 * {@code delta_lease_init} writes it (every record, then record 0 last, so an interrupted format is recognisable),
 * the resource index header and empty entries, and the index's private paxos lease. Blocking I/O, run once by an
 * administrator; nothing else may use the disks meanwhile.
 *
 * <p>It refuses — before writing anything on any disk — to overwrite a disk that already holds a lockspace (of any
 * name) unless forced, and a disk too small for the layout.
 */
public final class LockspaceFormat {

    private LockspaceFormat() {
    }

    /** One disk: the device and the base offset of the lockspace on it. */
    public record Target(BlockDevice device, long baseOffsetBytes) {
    }

    public static void format(String lockspaceName, LockspaceLayout layout, List<Target> disks, int ioTimeoutSeconds,
            boolean force) throws IOException {
        int sector = layout.geometry().sectorSizeBytes();
        for (Target t : disks) {
            BlockDevice dev = t.device();
            if (t.baseOffsetBytes() % layout.geometry().alignSizeBytes() != 0) {
                throw new IllegalArgumentException(dev.name() + ": offset " + t.baseOffsetBytes()
                        + " is not a multiple of the area size " + layout.geometry().alignSizeBytes());
            }
            if (dev.logicalSectorSizeBytes() > sector) {
                throw new IllegalArgumentException(dev.name() + ": sector size " + dev.logicalSectorSizeBytes()
                        + " but the lockspace is to use " + sector + "-byte sectors; use --sector-size "
                        + dev.logicalSectorSizeBytes());
            }
            long need = t.baseOffsetBytes() + layout.bytesFor(1);
            if (dev.sizeBytes() < need) {
                throw new IllegalArgumentException(dev.name() + ": " + dev.sizeBytes() + " bytes is too small; the "
                        + "lockspace with one resource needs " + need + " bytes from offset 0");
            }
            if (dev.isReadOnly()) {
                throw new IllegalArgumentException(dev.name() + " is read-only");
            }
            if (!force) {
                ByteBuffer first = dev.allocateBuffer(sector);
                dev.read(layout.lockspaceOffsetBytes(t.baseOffsetBytes()), first);
                AreaCheck check = AreaValidator.checkLockspace(first, AreaExpectation.lockspace(lockspaceName,
                        layout.geometry()), dev.name(), t.baseOffsetBytes());
                if (check.verdict() == Verdict.VALID || check.verdict() == Verdict.WRONG_LOCKSPACE
                        || check.verdict() == Verdict.WRONG_SECTOR_SIZE || check.verdict() == Verdict.WRONG_ALIGN_SIZE) {
                    throw new IllegalArgumentException(dev.name() + " offset " + t.baseOffsetBytes()
                            + " already holds a lockspace (" + check.message() + "); use --force to overwrite it");
                }
            }
        }
        AreaInit.LockspaceImage lockspace = AreaInit.lockspace(lockspaceName, layout.geometry(), ioTimeoutSeconds);
        byte[] index = new byte[sector + layout.entriesLengthBytes()];
        for (Target t : disks) {
            BlockDevice dev = t.device();
            long base = t.baseOffsetBytes();
            write(dev, layout.lockspaceOffsetBytes(base), lockspace.uncommittedArea());
            java.util.Arrays.fill(index, (byte) 0);
            RindexDescriptor.encodeHeader(RindexHeader.format(lockspaceName, layout.geometry(),
                    layout.rindexOffsetBytes(base)).withMaxResources(layout.maxResources()), ByteBuffer.wrap(index), 0);
            write(dev, layout.rindexOffsetBytes(base), index);
            byte[] lease = AreaInit.resource(lockspaceName, RindexDescriptor.RINDEX_LEASE_NAME, layout.geometry(),
                    layout.geometry().maxHosts());
            DblockStamp.stampBlankRecords(lease, layout.geometry(), layout.geometry().maxHosts(),
                    DblockStamp.areaId(lockspaceName, RindexDescriptor.RINDEX_LEASE_NAME));
            write(dev, layout.rindexLeaseOffsetBytes(base), lease);
            dev.sync();
            write(dev, layout.lockspaceOffsetBytes(base), lockspace.commitSector());
            dev.sync();
        }
    }

    private static void write(BlockDevice dev, long offset, byte[] bytes) throws IOException {
        ByteBuffer b = dev.allocateBuffer(bytes.length);
        b.put(0, bytes);
        dev.write(offset, b);
    }
}
