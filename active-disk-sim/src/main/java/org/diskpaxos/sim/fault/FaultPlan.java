package org.diskpaxos.sim.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.net.LinkFaults;

/**
 * Every fault of one run, drawn from the seed by {@link FaultPlanner} and applied by {@link Nemesis}.
 *
 * <p>Two phases: until {@code healAtNs} faults happen; from then on transient faults stop (probabilistic disk
 * faults on non-faulty disks, network loss and duplication) and, in a run within tolerance, every window has
 * closed, so the protocol must make progress by {@code endAtNs}. Components in {@code faultyDisks} and
 * {@code faultyHosts} may stay broken for good; {@link #toleranceViolations} counts them against the spec.
 *
 * @param profile         the swarm profile the planner drew (calm, light, heavy), for reports
 * @param disks           per disk, its decorators and rates
 * @param clockStartNs    per host, its monotonic clock's reading at virtual time 0
 * @param driftPpm        per host, its initial clock drift
 * @param network         the faults of every network link
 * @param events          timed faults, sorted by time
 */
public record FaultPlan(Tolerance tolerance, ToleranceSpec spec, String profile, long healAtNs, long endAtNs,
        List<DiskFaults> disks, List<Integer> faultyDisks, List<Integer> faultyHosts, List<Long> clockStartNs,
        List<Double> driftPpm, LinkFaults network, List<TimedFault> events) {

    public FaultPlan {
        disks = List.copyOf(disks);
        faultyDisks = List.copyOf(new TreeSet<>(faultyDisks));
        faultyHosts = List.copyOf(new TreeSet<>(faultyHosts));
        clockStartNs = List.copyOf(clockStartNs);
        driftPpm = List.copyOf(driftPpm);
        events = List.copyOf(events);
        if (healAtNs < 0 || endAtNs < healAtNs) {
            throw new IllegalArgumentException("need 0 <= heal <= end, got " + healAtNs + ", " + endAtNs);
        }
        if (clockStartNs.size() != driftPpm.size()) {
            throw new IllegalArgumentException("one clock start and one drift per host");
        }
    }

    /** A plan without faults (so the liveness phase is the whole run), clocks without drift, the given latencies. */
    public static FaultPlan none(Topology topology, ToleranceSpec spec, long endAtNs, DiskFaults diskFaults,
            LinkFaults network) {
        List<DiskFaults> disks = new ArrayList<>();
        for (int d = 0; d < topology.diskCount(); d++) {
            disks.add(diskFaults);
        }
        List<Long> starts = new ArrayList<>();
        List<Double> drifts = new ArrayList<>();
        for (int h = 0; h < topology.hostCount(); h++) {
            starts.add(1_000_000_000L * (h + 1));
            drifts.add(0.0);
        }
        return new FaultPlan(Tolerance.WITHIN, spec, "none", 0, endAtNs, disks, List.of(), List.of(), starts,
                drifts, network, List.of());
    }

    public boolean isFaultyDisk(int disk) {
        return faultyDisks.contains(disk);
    }

    public boolean isFaultyHost(int host) {
        return faultyHosts.contains(host);
    }

    /**
     * The bounds of the spec this plan exceeds, in words; empty when the plan is within tolerance. Disks and hosts
     * the plan does not list as faulty but leaves broken after the heal count as faulty here.
     */
    public List<String> toleranceViolations() {
        return ToleranceAudit.violations(this);
    }

    /** A short description for reports. */
    public String describe() {
        int crashes = 0;
        int pauses = 0;
        int stops = 0;
        int cuts = 0;
        int powerLosses = 0;
        int partitions = 0;
        for (TimedFault f : events) {
            if (f instanceof TimedFault.Crash) {
                crashes++;
            } else if (f instanceof TimedFault.Pause) {
                pauses++;
            } else if (f instanceof TimedFault.DiskStop) {
                stops++;
            } else if (f instanceof TimedFault.CutOff) {
                cuts++;
            } else if (f instanceof TimedFault.PowerLoss) {
                powerLosses++;
            } else if (f instanceof TimedFault.Partition) {
                partitions++;
            }
        }
        return String.format(Locale.ROOT, "%s/%s faulty disks %s, faulty hosts %s; %d crashes, %d pauses, "
                + "%d disk stops, %d cut-offs, %d power losses, %d partitions; heal at %.3f s",
                tolerance.cliName(), profile, faultyDisks, faultyHosts, crashes, pauses, stops, cuts, powerLosses,
                partitions, healAtNs / 1e9);
    }
}
