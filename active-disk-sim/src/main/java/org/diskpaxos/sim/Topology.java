package org.diskpaxos.sim;

import org.diskpaxos.sim.disk.DiskGeometry;

/**
 * The shape of a simulated cluster: {@code hostCount} hosts (also the network's nodes, addressed by host index)
 * sharing {@code diskCount} disks of one geometry.
 */
public record Topology(int hostCount, int diskCount, DiskGeometry diskGeometry) {
    public static final int HOSTS_MAX = 256;
    public static final int DISKS_MAX = 16;

    public Topology {
        if (hostCount < 1 || hostCount > HOSTS_MAX) {
            throw new IllegalArgumentException("host count must be in [1, " + HOSTS_MAX + "], got " + hostCount);
        }
        if (diskCount < 0 || diskCount > DISKS_MAX) {
            throw new IllegalArgumentException("disk count must be in [0, " + DISKS_MAX + "], got " + diskCount);
        }
        if (diskGeometry == null) {
            throw new IllegalArgumentException("disk geometry is required");
        }
    }
}
