package org.diskpaxos.sim.fault;

import java.util.List;
import org.diskpaxos.sim.Topology;

/**
 * What a protocol claims to survive, in terms the fault planner can count:
 * <ul>
 *   <li>{@code faultyDisksMax}: disks that may corrupt data (bit flips, misdirected I/O) or stop answering for
 *       good; and, per host, the disks it may be cut off from plus the faulty ones. Disk Paxos: a minority.</li>
 *   <li>{@code hostGroups}: per group of hosts, how many may be faulty: stay crashed or isolated after the heal.
 *       Active Disk Paxos will put its agents in a group with a minority bound; clients may all but one fail.</li>
 *   <li>{@code timing}: the clock and pause bounds that lease timing relies on.</li>
 *   <li>{@code staleReplays}: whether the protocol survives faulty disks answering a read with a stale copy of
 *       the right block (misdirected reads and writes on one disk, see {@link
 *       org.diskpaxos.sim.disk.MisdirectDisk.Mode}). When it does not, each faulty disk misdirects reads or
 *       writes, never both; this holds within and beyond tolerance, since beyond tolerance only the number of
 *       faulty components grows, not the kinds of fault.</li>
 *   <li>{@code atomicSectors}: whether the protocol relies on a sector write being atomic across power loss (the
 *       sector holds the old or the new content, never garbage), as sanlock and Disk Paxos do. When it does, a
 *       power loss leaves garbage in a cached sector only on a faulty disk.</li>
 *   <li>{@code faultyDisksCorrupt}: whether faulty disks may corrupt data (bit flips, misdirected I/O) or only
 *       stop answering for good. A store that keeps two copies of each record cannot tell a corrupted newest copy
 *       from a torn unacknowledged write and falls back to the older copy: it forgets. Protocols whose replicas are
 *       such stores (Active Disk Paxos' agents) claim crash-stop disks only, like the paper; beyond tolerance more
 *       disks stop.</li>
 *   <li>{@code tripsPerLivenessPhase}: within tolerance, one disk trip takes at most the liveness phase (heal to
 *       end) divided by this (default 20). Protocols whose progress needs many sequential waits of several I/O
 *       timeouts (leases: a dead holder is judged after {@code 7 × ioTimeout}) ask for more.</li>
 * </ul>
 * Everything else a plan injects (latency, stalls with late completions, reported I/O errors and torn writes,
 * lost unsynced writes on power loss, crashes followed by restarts, partitions that heal) is allowed in any
 * amount, on any component, before the heal time. Within tolerance, what outlasts the heal is bounded so that
 * the liveness phase (heal to end) can be demanded: latency and stalls are short against it.
 */
public record ToleranceSpec(int faultyDisksMax, List<HostGroup> hostGroups, TimingBounds timing,
        boolean staleReplays, boolean atomicSectors, int tripsPerLivenessPhase, boolean faultyDisksCorrupt) {

    /** A spec whose faulty disks may corrupt data. */
    public ToleranceSpec(int faultyDisksMax, List<HostGroup> hostGroups, TimingBounds timing, boolean staleReplays,
            boolean atomicSectors, int tripsPerLivenessPhase) {
        this(faultyDisksMax, hostGroups, timing, staleReplays, atomicSectors, tripsPerLivenessPhase, true);
    }

    /** A contiguous range of host indices, of which at most {@code faultyMax} may be faulty. */
    public record HostGroup(String name, int firstHost, int hostCount, int faultyMax) {
        public HostGroup {
            if (firstHost < 0 || hostCount < 1 || faultyMax < 0 || faultyMax > hostCount) {
                throw new IllegalArgumentException("bad host group " + name);
            }
        }

        public boolean contains(int host) {
            return host >= firstHost && host < firstHost + hostCount;
        }
    }

    public ToleranceSpec {
        hostGroups = List.copyOf(hostGroups);
        if (faultyDisksMax < 0 || timing == null) {
            throw new IllegalArgumentException("faulty disks must be >= 0 and timing bounds given");
        }
        if (tripsPerLivenessPhase < 1 || tripsPerLivenessPhase > 10_000) {
            throw new IllegalArgumentException("trips per liveness phase must be 1..10000, got " + tripsPerLivenessPhase);
        }
    }

    /**
     * Disk Paxos' claim: fewer than half the disks faulty, any host but one may fail, default timing bounds.
     */
    public static ToleranceSpec diskMajority(Topology topology) {
        int hosts = topology.hostCount();
        return new ToleranceSpec((topology.diskCount() - 1) / 2,
                List.of(new HostGroup("hosts", 0, hosts, hosts - 1)), TimingBounds.DEFAULT, true, false, 20);
    }

    /** This spec, claiming (or not) to survive stale replays. */
    public ToleranceSpec withStaleReplays(boolean survives) {
        return new ToleranceSpec(faultyDisksMax, hostGroups, timing, survives, atomicSectors, tripsPerLivenessPhase,
                faultyDisksCorrupt);
    }

    /** This spec, relying (or not) on sector writes being atomic across power loss. */
    public ToleranceSpec withAtomicSectors(boolean relies) {
        return new ToleranceSpec(faultyDisksMax, hostGroups, timing, staleReplays, relies, tripsPerLivenessPhase,
                faultyDisksCorrupt);
    }

    /** This spec, bounding one disk trip by the liveness phase divided by {@code trips}. */
    public ToleranceSpec withTripsPerLivenessPhase(int trips) {
        return new ToleranceSpec(faultyDisksMax, hostGroups, timing, staleReplays, atomicSectors, trips,
                faultyDisksCorrupt);
    }

    /** This spec, letting faulty disks corrupt data or (false) only stop for good. */
    public ToleranceSpec withFaultyDisksCorrupt(boolean corrupt) {
        return new ToleranceSpec(faultyDisksMax, hostGroups, timing, staleReplays, atomicSectors, tripsPerLivenessPhase,
                corrupt);
    }

    /** The group {@code host} belongs to; null when none. */
    public HostGroup groupOf(int host) {
        for (HostGroup g : hostGroups) {
            if (g.contains(host)) {
                return g;
            }
        }
        return null;
    }
}
