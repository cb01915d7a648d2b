package org.diskpaxos.paxos.ondisk;

import java.util.Objects;

/**
 * sanlock's {@code struct leader_record}, as values. One type serves both lease kinds (sanlock.md §1.2):
 *
 * <table>
 * <caption>field meanings</caption>
 * <tr><th>field</th><th>delta lease (lockspace, one per host id)</th><th>paxos lease (resource leader, sector 0)</th></tr>
 * <tr><td>ownerId</td><td>host id of this slot</td><td>host id of the owner (decided inp)</td></tr>
 * <tr><td>ownerGeneration</td><td>+1 on every acquire of this host id</td><td>owner's delta-lease generation (inp2)</td></tr>
 * <tr><td>lver</td><td>0</td><td>lease version: +1 per successful ballot; our fencing token</td></tr>
 * <tr><td>resourceName</td><td>unique host name of the holder</td><td>resource name</td></tr>
 * <tr><td>timestamp</td><td>holder's monotonic seconds at last renewal; 0 = free</td><td>owner's inp3; 0 = free</td></tr>
 * <tr><td>ioTimeoutSeconds</td><td>holder's io_timeout (not checksummed)</td><td>0</td></tr>
 * <tr><td>write*</td><td>host event fields (not checksummed)</td><td>who wrote this leader (not checksummed)</td></tr>
 * </table>
 *
 * <p>The checksum is not a field: {@link LeaderRecordDescriptor#encode} computes it, and
 * {@link LeaderRecordDescriptor#decode} verifies it. Names are checked only when encoding, so that decoding a corrupt
 * record never throws (see {@link OnDiskName}).
 */
public record LeaderRecord(
        int magic,
        int version,
        int flags,
        int sectorSizeBytes,
        long numHosts,
        long maxHosts,
        long ownerId,
        long ownerGeneration,
        long lver,
        String spaceName,
        String resourceName,
        long timestamp,
        long unused1,
        int unused2,
        int ioTimeoutSeconds,
        long writeId,
        long writeGeneration,
        long writeTimestamp) {

    /** What the magic says this leader is. */
    public enum Kind {
        /** {@code DELTA_DISK_MAGIC}: a host's delta lease in a lockspace. */
        DELTA,
        /** {@code PAXOS_DISK_MAGIC}: the leader of a resource (paxos) lease. */
        PAXOS,
        /** {@code PAXOS_DISK_CLEAR}: a resource lease invalidated on purpose. */
        PAXOS_CLEARED,
        /** Anything else. */
        UNKNOWN
    }

    public LeaderRecord {
        Objects.requireNonNull(spaceName, "spaceName");
        Objects.requireNonNull(resourceName, "resourceName");
        if (unused2 < 0 || unused2 > 0xFFFF || ioTimeoutSeconds < 0 || ioTimeoutSeconds > 0xFFFF) {
            throw new IllegalArgumentException("unused2 and ioTimeoutSeconds are u16 fields: " + unused2 + ", "
                    + ioTimeoutSeconds);
        }
    }

    /**
     * A fresh delta lease as {@code delta_lease_init} writes it for every host slot: free, {@code max_hosts} = 1,
     * {@code num_hosts} = 0, the area's align flag, and the init io_timeout.
     */
    public static LeaderRecord deltaInit(String lockspaceName, AreaGeometry geometry, int ioTimeoutSeconds) {
        OnDiskName.requireValid(lockspaceName, "lockspace name");
        return new LeaderRecord(LeaderRecordDescriptor.DELTA_DISK_MAGIC, LeaderRecordDescriptor.DELTA_DISK_VERSION,
                geometry.alignFlag(), geometry.sectorSizeBytes(), 0, 1, 0, 0, 0, lockspaceName, "", 0, 0, 0,
                ioTimeoutSeconds, 0, 0, 0);
    }

    /**
     * A fresh resource leader as {@code paxos_lease_init} writes it: free, lver 0, the area's align flag,
     * {@code max_hosts} from the geometry and {@code num_hosts} as given (sanlock's default is max_hosts).
     */
    public static LeaderRecord paxosInit(String lockspaceName, String resourceName, AreaGeometry geometry,
            long numHosts) {
        OnDiskName.requireValid(lockspaceName, "lockspace name");
        OnDiskName.requireValid(resourceName, "resource name");
        if (numHosts < 1 || numHosts > geometry.maxHosts()) {
            throw new IllegalArgumentException("num_hosts " + numHosts + " outside 1.." + geometry.maxHosts());
        }
        return new LeaderRecord(LeaderRecordDescriptor.PAXOS_DISK_MAGIC, LeaderRecordDescriptor.PAXOS_DISK_VERSION,
                geometry.alignFlag(), geometry.sectorSizeBytes(), numHosts, geometry.maxHosts(), 0, 0, 0,
                lockspaceName, resourceName, 0, 0, 0, 0, 0, 0, 0);
    }

    public Kind kind() {
        switch (magic) {
            case LeaderRecordDescriptor.DELTA_DISK_MAGIC:
                return Kind.DELTA;
            case LeaderRecordDescriptor.PAXOS_DISK_MAGIC:
                return Kind.PAXOS;
            case LeaderRecordDescriptor.PAXOS_DISK_CLEAR:
                return Kind.PAXOS_CLEARED;
            default:
                return Kind.UNKNOWN;
        }
    }

    /** {@code timestamp == LEASE_FREE}: nobody holds this lease. */
    public boolean isFree() {
        return timestamp == 0;
    }

    public boolean hasShortHold() {
        return (flags & LeaderRecordDescriptor.LFL_SHORT_HOLD) != 0;
    }

    /** The owner of a decided lease version: (ownerId, ownerGeneration) with timestamp (inp3). */
    public LeaderRecord withOwner(long newOwnerId, long newOwnerGeneration, long newTimestamp) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, numHosts, maxHosts, newOwnerId,
                newOwnerGeneration, lver, spaceName, resourceName, newTimestamp, unused1, unused2, ioTimeoutSeconds,
                writeId, writeGeneration, writeTimestamp);
    }

    public LeaderRecord withLver(long newLver) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, numHosts, maxHosts, ownerId, ownerGeneration,
                newLver, spaceName, resourceName, timestamp, unused1, unused2, ioTimeoutSeconds, writeId,
                writeGeneration, writeTimestamp);
    }

    public LeaderRecord withTimestamp(long newTimestamp) {
        return withOwner(ownerId, ownerGeneration, newTimestamp);
    }

    /** The unchecksummed writer fields (paxos: who wrote the leader; delta: host event fields). */
    public LeaderRecord withWriter(long newWriteId, long newWriteGeneration, long newWriteTimestamp) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, numHosts, maxHosts, ownerId, ownerGeneration,
                lver, spaceName, resourceName, timestamp, unused1, unused2, ioTimeoutSeconds, newWriteId,
                newWriteGeneration, newWriteTimestamp);
    }

    public LeaderRecord withFlags(int newFlags) {
        return new LeaderRecord(magic, version, newFlags, sectorSizeBytes, numHosts, maxHosts, ownerId,
                ownerGeneration, lver, spaceName, resourceName, timestamp, unused1, unused2, ioTimeoutSeconds, writeId,
                writeGeneration, writeTimestamp);
    }

    public LeaderRecord withMagic(int newMagic) {
        return new LeaderRecord(newMagic, version, flags, sectorSizeBytes, numHosts, maxHosts, ownerId,
                ownerGeneration, lver, spaceName, resourceName, timestamp, unused1, unused2, ioTimeoutSeconds, writeId,
                writeGeneration, writeTimestamp);
    }

    public LeaderRecord withNumHosts(long newNumHosts) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, newNumHosts, maxHosts, ownerId,
                ownerGeneration, lver, spaceName, resourceName, timestamp, unused1, unused2, ioTimeoutSeconds, writeId,
                writeGeneration, writeTimestamp);
    }

    /** Delta lease: the holder's unique host name lives in the resource-name field. */
    public LeaderRecord withResourceName(String newResourceName) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, numHosts, maxHosts, ownerId,
                ownerGeneration, lver, spaceName, newResourceName, timestamp, unused1, unused2, ioTimeoutSeconds,
                writeId, writeGeneration, writeTimestamp);
    }

    public LeaderRecord withIoTimeoutSeconds(int newIoTimeoutSeconds) {
        return new LeaderRecord(magic, version, flags, sectorSizeBytes, numHosts, maxHosts, ownerId,
                ownerGeneration, lver, spaceName, resourceName, timestamp, unused1, unused2, newIoTimeoutSeconds,
                writeId, writeGeneration, writeTimestamp);
    }
}
