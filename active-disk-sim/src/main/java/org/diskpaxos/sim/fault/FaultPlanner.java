package org.diskpaxos.sim.fault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.disk.MisdirectDisk;
import org.diskpaxos.sim.disk.PowerLossMode;
import org.diskpaxos.sim.net.LinkFaults;

/**
 * Draws a {@link FaultPlan} from a seed (swarm testing: the fault kinds and their rates are drawn too, including
 * calm runs with latency only).
 *
 * <p>Within tolerance: data-corrupting disk faults (bit flips, misdirected I/O) and permanent stops only on the
 * chosen faulty disks, at most {@code faultyDisksMax}; at most {@code faultyMax} hosts per group stay down; clock
 * drift, pauses and steps within the timing bounds; every other fault window (crash → restart, pause, disk stop,
 * cut-off, partition) closes before the heal, a stalled I/O lasts at most a third of the liveness phase and one
 * trip to a disk at most a twentieth of it. Beyond tolerance: the same, plus at least one
 * {@link Dimension} pushed past its bound. {@link FaultPlan#toleranceViolations()} checks the result.
 */
public final class FaultPlanner {
    /** What a run beyond tolerance may exceed. */
    public enum Dimension { DISKS, HOSTS, TIMING, CUT_OFFS }

    /** Limit on timed faults per plan. */
    public static final int EVENTS_MAX = 10_000;
    static final long MS = 1_000_000L;

    private final Prng prng;
    private final Topology topology;
    private final ToleranceSpec spec;
    private final Tolerance tolerance;
    private final long healAtNs;
    private final long endAtNs;
    private final List<TimedFault> events = new ArrayList<>();
    private final TreeSet<Dimension> exceed = new TreeSet<>();
    private String profile;
    private double intensity;

    private FaultPlanner(Prng prng, Topology topology, ToleranceSpec spec, Tolerance tolerance, long durationNs) {
        this.prng = prng;
        this.topology = topology;
        this.spec = spec;
        this.tolerance = tolerance;
        this.endAtNs = durationNs;
        this.healAtNs = durationNs * 3 / 5;
    }

    /** The plan for a run of {@code durationNs} virtual nanoseconds; everything drawn from {@code prng}. */
    public static FaultPlan plan(Prng prng, Topology topology, ToleranceSpec spec, Tolerance tolerance,
            long durationNs) {
        if (durationNs < 10 * MS) {
            throw new IllegalArgumentException("a run must last at least 10 ms of virtual time, got " + durationNs);
        }
        return new FaultPlanner(prng, topology, spec, tolerance, durationNs).draw();
    }

    private FaultPlan draw() {
        drawProfile();
        if (tolerance == Tolerance.BEYOND) {
            drawExceededDimensions();
        }
        List<Integer> faultyDisks = chooseFaultyDisks();
        List<DiskFaults> disks = new ArrayList<>();
        for (int d = 0; d < topology.diskCount(); d++) {
            disks.add(diskFaults(faultyDisks.contains(d)));
            diskEvents(d, faultyDisks.contains(d), disks.get(d).writeCache());
        }
        List<Integer> faultyHosts = chooseFaultyHosts();
        List<Long> clockStarts = new ArrayList<>();
        List<Double> drifts = new ArrayList<>();
        for (int h = 0; h < topology.hostCount(); h++) {
            clockStarts.add(prng.nextLong(1_000 * MS, 1_000_000_000 * MS));
            drifts.add(drift());
            hostEvents(h, faultyHosts.contains(h));
        }
        cutOffs(faultyDisks);
        partitions(faultyHosts);
        if (events.size() > EVENTS_MAX) {
            throw new IllegalStateException("plan has " + events.size() + " faults, more than " + EVENTS_MAX);
        }
        LinkFaults network = network();
        FaultPlan plan = assemble(disks, faultyDisks, faultyHosts, clockStarts, drifts, network);
        if (tolerance == Tolerance.BEYOND && plan.toleranceViolations().isEmpty()) {
            // The draws happened to stay within every bound: push one pause past it, so the run is beyond.
            int host = prng.nextInt(topology.hostCount());
            events.add(new TimedFault.Pause(host, timeBeforeHeal(), spec.timing().pauseNsMax() + 1 + 100 * MS));
            plan = assemble(disks, faultyDisks, faultyHosts, clockStarts, drifts, network);
        }
        List<String> violations = plan.toleranceViolations();
        if ((tolerance == Tolerance.WITHIN) != violations.isEmpty()) {
            throw new IllegalStateException("planner bug: a " + tolerance.cliName() + " plan has violations "
                    + violations);
        }
        return plan;
    }

    private FaultPlan assemble(List<DiskFaults> disks, List<Integer> faultyDisks, List<Integer> faultyHosts,
            List<Long> clockStarts, List<Double> drifts, LinkFaults network) {
        events.sort(Comparator.comparingLong(TimedFault::atNs));
        return new FaultPlan(tolerance, spec, profile, healAtNs, endAtNs, disks, faultyDisks, faultyHosts,
                clockStarts, drifts, network, events);
    }

    private void drawProfile() {
        int roll = prng.nextInt(10);
        if (roll < 2 && tolerance == Tolerance.WITHIN) {
            profile = "calm";
            intensity = 0;
        } else if (roll < 6) {
            profile = "light";
            intensity = 0.3;
        } else {
            profile = "heavy";
            intensity = 1;
        }
    }

    private void drawExceededDimensions() {
        List<Dimension> possible = new ArrayList<>();
        if (spec.faultyDisksMax() < topology.diskCount()) {
            possible.add(Dimension.DISKS);
            possible.add(Dimension.CUT_OFFS);
        }
        for (ToleranceSpec.HostGroup g : spec.hostGroups()) {
            if (g.faultyMax() < g.hostCount()) {
                possible.add(Dimension.HOSTS);
                break;
            }
        }
        possible.add(Dimension.TIMING);
        exceed.add(prng.pick(possible));
        if (prng.chance(0.3)) {
            exceed.add(prng.pick(possible));
        }
    }

    /** Whether a fault kind is switched on in this run (swarm). */
    private boolean on(double base) {
        return intensity > 0 && prng.chance(base * (0.5 + intensity / 2));
    }

    private List<Integer> chooseFaultyDisks() {
        int max = Math.min(spec.faultyDisksMax(), topology.diskCount());
        int count;
        if (exceed.contains(Dimension.DISKS)) {
            count = prng.nextInt(max + 1, topology.diskCount() + 1);
        } else {
            count = intensity == 0 || max == 0 ? 0 : prng.nextInt(max + 1);
        }
        return pickDistinct(topology.diskCount(), count);
    }

    private List<Integer> pickDistinct(int n, int count) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chosen.add(all.remove(prng.nextInt(all.size())));
        }
        chosen.sort(null);
        return chosen;
    }

    private DiskFaults diskFaults(boolean faulty) {
        long minNs = prng.nextLong(10_000, 60_000);
        long meanNs = minNs + (prng.chance(0.1) ? prng.nextLong(2 * MS, 6 * MS) : prng.nextLong(40_000, 800_000));
        long maxNs = Math.min(latencyNsMax(), meanNs * prng.nextLong(4, 20));
        meanNs = Math.min(meanNs, maxNs);
        minNs = Math.min(minNs, meanNs);
        DiskFaults f = DiskFaults.none(new LatencyModel(minNs, meanNs, maxNs));
        f = f.withSectorSplit(on(0.4));
        f = f.withWriteCache(on(0.5));
        if (on(0.5)) {
            long max = stallNsMax();
            f = f.withStall(prng.nextDouble(0.0005, 0.005), Math.min(5 * MS, max),
                    prng.nextLong(Math.min(20 * MS, max), max + 1));
        }
        if (on(0.5)) {
            f = f.withCrashDrop(prng.nextDouble(0.2, 1.0));
        }
        if (on(0.5)) {
            f = f.withErrors(prng.nextDouble(0.001, 0.02));
        }
        if (on(0.5)) {
            f = f.withTornWrites(prng.nextDouble(0.02, 0.3));
        }
        if (faulty && spec.faultyDisksCorrupt()) {
            MisdirectDisk.Mode mode = spec.staleReplays() ? MisdirectDisk.Mode.BOTH
                    : prng.chance(0.5) ? MisdirectDisk.Mode.READS : MisdirectDisk.Mode.WRITES;
            f = f.withMisdirection(prng.chance(0.6) ? prng.nextDouble(0.001, 0.02) : 0, prng.nextInt(1, 9), mode);
            boolean anyFlip = prng.chance(0.7) || f.misdirectProbability() == 0;
            if (anyFlip) {
                f = f.withBitFlips(prng.nextDouble(0.001, 0.02), prng.nextDouble(0.001, 0.02));
            }
        }
        return f;
    }

    /**
     * The longest latency of one trip: within tolerance the liveness phase divided by the spec's trips (a twentieth
     * by default), so that a slow disk still leaves room for progress after the heal.
     */
    private long latencyNsMax() {
        long longest = LatencyModel.LATENCY_NS_MAX;
        if (tolerance == Tolerance.WITHIN) {
            longest = Math.min(longest, (endAtNs - healAtNs) / spec.tripsPerLivenessPhase());
        }
        return Math.max(100_000, longest);
    }

    /**
     * The longest stall: a stall drawn just before the heal must end well inside the liveness phase, so within
     * tolerance it is at most a third of that phase; beyond tolerance up to a second.
     */
    private long stallNsMax() {
        long longest = 1_000 * MS;
        if (tolerance == Tolerance.WITHIN) {
            longest = Math.min(longest, (endAtNs - healAtNs) / 3);
        }
        return Math.max(MS, longest);
    }

    private void diskEvents(int disk, boolean faulty, boolean writeCache) {
        int stops = on(0.5) ? prng.nextInt(1, 3) : 0;
        for (int i = 0; i < stops; i++) {
            long at = timeBeforeHeal();
            events.add(new TimedFault.DiskStop(disk, at, windowEndingBeforeHeal(at, 300 * MS)));
        }
        if (faulty && (!spec.faultyDisksCorrupt() || prng.chance(0.4))) {
            events.add(new TimedFault.DiskStop(disk, timeBeforeHeal(), TimedFault.FOREVER));
        }
        int powerLosses = writeCache && on(0.6) ? prng.nextInt(1, 4) : 0;
        for (int i = 0; i < powerLosses; i++) {
            List<PowerLossMode> modes = spec.atomicSectors() && !faulty
                    ? List.of(PowerLossMode.DROP_ALL, PowerLossMode.DROP_SOME) : List.of(PowerLossMode.values());
            events.add(new TimedFault.PowerLoss(disk, timeBeforeHeal(), prng.pick(modes)));
        }
    }

    private List<Integer> chooseFaultyHosts() {
        List<Integer> faulty = new ArrayList<>();
        for (ToleranceSpec.HostGroup g : spec.hostGroups()) {
            int count;
            if (exceed.contains(Dimension.HOSTS) && g.faultyMax() < g.hostCount()) {
                count = prng.nextInt(g.faultyMax() + 1, g.hostCount() + 1);
            } else {
                count = intensity == 0 ? 0 : prng.nextInt(Math.min(g.faultyMax(), 2) + 1);
            }
            for (int i : pickDistinct(g.hostCount(), count)) {
                faulty.add(g.firstHost() + i);
            }
        }
        return faulty;
    }

    private double drift() {
        double max = spec.timing().driftPpmMax();
        if (exceed.contains(Dimension.TIMING) && prng.chance(0.5)) {
            double beyond = Math.min(50_000, Math.max(max * 10, 1_000));
            return prng.chance(0.5) ? beyond * prng.nextDouble(0.2, 1) : -beyond * prng.nextDouble(0.2, 1);
        }
        return max == 0 ? 0 : prng.nextDouble(-max, max);
    }

    private void hostEvents(int host, boolean faulty) {
        int cycles = on(0.4) ? prng.nextInt(1, 3) : 0;
        long cursor = 0;
        for (int i = 0; i < cycles && cursor < healAtNs - 2 * MS; i++) {
            long crashAt = prng.nextLong(cursor, healAtNs - 1 * MS);
            long restartAt = windowEndingBeforeHeal(crashAt, 200 * MS) + crashAt;
            events.add(new TimedFault.Crash(host, crashAt));
            events.add(new TimedFault.Restart(host, restartAt));
            cursor = restartAt + 1;
        }
        if (faulty) {
            events.add(new TimedFault.Crash(host, prng.nextLong(Math.min(cursor, healAtNs - 1), healAtNs)));
        }
        TimingBounds bounds = spec.timing();
        boolean longPauses = exceed.contains(Dimension.TIMING) && prng.chance(0.5);
        int pauses = on(0.4) || longPauses ? prng.nextInt(1, 3) : 0;
        for (int i = 0; i < pauses; i++) {
            long at = timeBeforeHeal();
            long max = longPauses ? Math.max(bounds.pauseNsMax() * 20, 500 * MS) : bounds.pauseNsMax();
            long duration = Math.min(prng.nextLong(0, max + 1), healAtNs - at);
            if (longPauses && i == 0) {
                duration = Math.max(duration, bounds.pauseNsMax() + 1);
            }
            events.add(new TimedFault.Pause(host, at, duration));
        }
        if (on(0.3)) {
            events.add(new TimedFault.Drift(host, timeBeforeHeal(), drift()));
        }
        boolean bigSteps = exceed.contains(Dimension.TIMING) && prng.chance(0.5);
        if (on(0.2) || bigSteps) {
            long max = bigSteps ? Math.max(bounds.clockStepNsMax() * 100, 2_000 * MS) : bounds.clockStepNsMax();
            long step = prng.nextLong(0, max + 1);
            events.add(new TimedFault.ClockStep(host, timeBeforeHeal(),
                    bigSteps ? Math.max(step, bounds.clockStepNsMax() + 1) : step));
        }
    }

    private void cutOffs(List<Integer> faultyDisks) {
        int disks = topology.diskCount();
        if (disks == 0) {
            return;
        }
        for (int h = 0; h < topology.hostCount(); h++) {
            int cuts = on(0.3) ? prng.nextInt(1, 3) : 0;
            for (int i = 0; i < cuts; i++) {
                long at = timeBeforeHeal();
                events.add(new TimedFault.CutOff(h, prng.nextInt(disks), at, windowEndingBeforeHeal(at, 300 * MS)));
            }
        }
        if (exceed.contains(Dimension.CUT_OFFS)) {
            int host = prng.nextInt(topology.hostCount());
            TreeSet<Integer> lost = new TreeSet<>(faultyDisks);
            for (int d : pickDistinct(disks, disks)) {
                if (lost.size() > spec.faultyDisksMax()) {
                    break;
                }
                if (lost.add(d)) {
                    events.add(new TimedFault.CutOff(host, d, timeBeforeHeal(), TimedFault.FOREVER));
                }
            }
        }
    }

    private void partitions(List<Integer> faultyHosts) {
        int hosts = topology.hostCount();
        if (hosts < 2) {
            return;
        }
        int count = on(0.4) ? prng.nextInt(1, 4) : 0;
        for (int i = 0; i < count; i++) {
            int a = prng.nextInt(hosts);
            int b = (a + prng.nextInt(1, hosts)) % hosts;
            long at = timeBeforeHeal();
            events.add(new TimedFault.Partition(a, b, at, windowEndingBeforeHeal(at, 300 * MS)));
        }
        for (int faulty : faultyHosts) {
            if (prng.chance(0.3)) {
                int other = (faulty + prng.nextInt(1, hosts)) % hosts;
                events.add(new TimedFault.Partition(faulty, other, timeBeforeHeal(), TimedFault.FOREVER));
            }
        }
    }

    private LinkFaults network() {
        long minNs = prng.nextLong(20_000, 100_000);
        LatencyModel delay = new LatencyModel(minNs, minNs + prng.nextLong(10_000, 500_000), minNs + 20 * MS);
        if (intensity == 0) {
            return new LinkFaults(delay, 0, 0, false);
        }
        return new LinkFaults(delay, on(0.5) ? prng.nextDouble(0, 0.05) : 0, on(0.5) ? prng.nextDouble(0, 0.02) : 0,
                prng.chance(0.5));
    }

    private long timeBeforeHeal() {
        return prng.nextLong(0, Math.max(1, healAtNs - 1));
    }

    /** A duration up to {@code maxNs} such that a window opening at {@code at} closes before the heal. */
    private long windowEndingBeforeHeal(long at, long maxNs) {
        long room = Math.max(1, healAtNs - at - 1);
        return prng.nextLong(1, Math.max(2, Math.min(maxNs, room)));
    }
}
