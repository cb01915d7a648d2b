package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * How dplock formats a resource lease area, as pure functions: the image ({@link #image}) and the judgement of what
 * is on a disk before it is overwritten ({@link #refusal}). The caller does the I/O
 * ({@code org.diskpaxos.paxos.disk.ResourceAreaFormatter}).
 *
 * <p>The image is sanlock's {@code paxos_lease_init} ({@link AreaInit#resource}) with every blank dblock of hosts
 * {@code 1..numHosts} carrying its {@link DblockStamp}, so readers of the area may require stamps. sanlock reads
 * the image exactly as its own: the stamps live in bytes it never looks at.
 *
 * <p>Overwriting: formatting resets {@code lver} to 0, which would let fencing tokens go backwards, and wipes
 * another resource's lease if the offset is wrong. So an area whose leader is a valid sanlock record of
 * <em>another</em> lease — a resource of another name or lockspace, or a lockspace (delta leases) — is refused
 * unless forced. Blank, corrupt, cleared or unrecognisable sectors and this same resource may be (re)formatted.
 */
public final class ResourceFormat {

    private ResourceFormat() {
    }

    /** The align-size bytes to write at the area's offset on every disk. */
    public static byte[] image(String lockspaceName, String resourceName, AreaGeometry geometry, long numHosts) {
        byte[] area = AreaInit.resource(lockspaceName, resourceName, geometry, numHosts);
        DblockStamp.stampBlankRecords(area, geometry, numHosts, DblockStamp.areaId(lockspaceName, resourceName));
        return area;
    }

    /**
     * Why the area whose first sector is {@code sector0} must not be formatted as {@code expected}, or empty when it
     * may be. The message names the disk and the offset and says how to go on.
     */
    public static Optional<String> refusal(ByteBuffer sector0, AreaExpectation expected, String diskName,
                                           long areaOffsetBytes) {
        if (expected.resourceName() == null) {
            throw new IllegalArgumentException("formatting a resource area needs a resource name");
        }
        Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(sector0, 0);
        if (decoded.verdict() != Verdict.VALID) {
            return Optional.empty();
        }
        LeaderRecord found = decoded.value();
        String where = "disk " + diskName + " offset " + areaOffsetBytes + ": ";
        String force = "; check the path and offset, or force the format to destroy it";
        switch (found.kind()) {
            case DELTA:
                return Optional.of(where + "holds lockspace '" + OnDiskName.printable(found.spaceName())
                        + "' (delta leases), not a resource area" + force);
            case PAXOS:
                boolean sameLockspace = OnDiskName.matches(sector0, LeaderRecordDescriptor.SPACE_NAME_OFFSET,
                        expected.lockspaceName());
                boolean sameResource = OnDiskName.matches(sector0, LeaderRecordDescriptor.RESOURCE_NAME_OFFSET,
                        expected.resourceName());
                if (sameLockspace && sameResource) {
                    return Optional.empty();
                }
                return Optional.of(where + "holds the lease of resource '" + OnDiskName.printable(found.spaceName())
                        + ":" + OnDiskName.printable(found.resourceName()) + "' (lver " + found.lver()
                        + (found.isFree() ? ", free" : ", owner " + found.ownerId()) + "), not '"
                        + expected.lockspaceName() + ":" + expected.resourceName() + "'" + force);
            default:
                return Optional.empty();
        }
    }
}
