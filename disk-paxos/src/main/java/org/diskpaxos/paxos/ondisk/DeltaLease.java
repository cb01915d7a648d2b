package org.diskpaxos.paxos.ondisk;

import java.util.Objects;

/**
 * One host's sector of a lockspace: its delta lease (a {@link LeaderRecord} with the delta magic) and its host-id
 * bitmap. Holding delta lease {@code h} means being host {@code h} in the lockspace.
 *
 * @param leader owner_id = the host id, owner_generation, timestamp (0 = free), resource_name = holder's host name
 * @param bitmap hosts this host is signalling
 */
public record DeltaLease(LeaderRecord leader, HostIdBitmap bitmap) {
    public DeltaLease {
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(bitmap, "bitmap");
    }

    /**
     * What {@code delta_lease_acquire} writes when host {@code hostId} joins: owner = the host id, generation one past
     * the slot's previous generation, the holder's unique host name, its io_timeout, and its monotonic timestamp.
     */
    public static DeltaLease acquired(LeaderRecord previous, long hostId, String hostName, long timestamp,
            int ioTimeoutSeconds) {
        LeaderRecord leader = previous.withOwner(hostId, previous.ownerGeneration() + 1, timestamp)
                .withResourceName(hostName).withIoTimeoutSeconds(ioTimeoutSeconds & 0xFF);
        return new DeltaLease(leader, HostIdBitmap.EMPTY);
    }

    public boolean isFree() {
        return leader.isFree();
    }
}
