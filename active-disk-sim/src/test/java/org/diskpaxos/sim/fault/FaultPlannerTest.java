package org.diskpaxos.sim.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.Set;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.junit.jupiter.api.Test;

/**
 * Plans drawn from a seed are reproducible and keep their promise: a plan within tolerance stays inside every
 * bound of the spec (faulty disks a minority, corrupting faults only on them, every window closed by the heal),
 * and a plan beyond tolerance exceeds at least one.
 */
class FaultPlannerTest {
    private static final long SECOND = 1_000_000_000L;

    private static Topology topology(int hosts, int disks) {
        return new Topology(hosts, disks, new DiskGeometry(512, 128));
    }

    @Test
    void withinPlansStayWithinEveryBound() {
        qt().withExamples(400).withFixedSeed(41)
                .forAll(longs().all(), integers().between(1, 12), integers().between(0, 7))
                .check((seed, hosts, disks) -> {
                    Topology t = topology(hosts, disks);
                    ToleranceSpec spec = ToleranceSpec.diskMajority(t);
                    FaultPlan plan = FaultPlanner.plan(new Prng(seed), t, spec, Tolerance.WITHIN, SECOND);
                    if (!plan.toleranceViolations().isEmpty() || plan.faultyDisks().size() > spec.faultyDisksMax()) {
                        return false;
                    }
                    for (int d = 0; d < disks; d++) {
                        if (plan.disks().get(d).corruptsData() && !plan.isFaultyDisk(d)) {
                            return false;
                        }
                    }
                    return plan.events().stream().allMatch(f -> f.atNs() < plan.healAtNs()
                            && (f.endNs() <= plan.healAtNs() || f instanceof TimedFault.DiskStop s
                                    && plan.isFaultyDisk(s.disk()) || f instanceof TimedFault.Partition p
                                    && plan.isFaultyHost(p.hostA())));
                });
    }

    /**
     * A spec whose faulty disks may not corrupt data (Active Disk Paxos' agents): no disk corrupts, within or beyond
     * tolerance, and every faulty disk stops for good; and the same seeds with the default spec do draw corrupting
     * disks, so the check can fail.
     */
    @Test
    void faultyDisksThatMayNotCorruptOnlyStop() {
        Topology t = topology(6, 3);
        ToleranceSpec corrupting = ToleranceSpec.diskMajority(t);
        ToleranceSpec stopping = corrupting.withFaultyDisksCorrupt(false);
        int corruptingPlans = 0;
        int faultyDisks = 0;
        for (long seed = 1; seed <= 300; seed++) {
            for (Tolerance tolerance : Tolerance.values()) {
                FaultPlan plan = FaultPlanner.plan(new Prng(seed), t, stopping, tolerance, SECOND);
                for (int d = 0; d < t.diskCount(); d++) {
                    assertTrue(!plan.disks().get(d).corruptsData(), "seed " + seed + " disk " + d + " corrupts");
                    if (plan.isFaultyDisk(d)) {
                        faultyDisks++;
                        final int disk = d;
                        assertTrue(plan.events().stream().anyMatch(f -> f instanceof TimedFault.DiskStop s
                                && s.disk() == disk && s.endNs() == TimedFault.FOREVER), "seed " + seed + " disk "
                                + d + " is faulty but never stops for good");
                    }
                }
                FaultPlan other = FaultPlanner.plan(new Prng(seed), t, corrupting, tolerance, SECOND);
                for (int d = 0; d < t.diskCount(); d++) {
                    corruptingPlans += other.disks().get(d).corruptsData() ? 1 : 0;
                }
            }
        }
        assertTrue(faultyDisks > 0, "no faulty disk drawn: the check checked nothing");
        assertTrue(corruptingPlans > 0, "the default spec drew no corrupting disk either");
    }

    @Test
    void beyondPlansExceedSomeBound() {
        qt().withExamples(400).withFixedSeed(43)
                .forAll(longs().all(), integers().between(1, 12), integers().between(0, 7))
                .check((seed, hosts, disks) -> {
                    Topology t = topology(hosts, disks);
                    FaultPlan plan = FaultPlanner.plan(new Prng(seed), t, ToleranceSpec.diskMajority(t),
                            Tolerance.BEYOND, SECOND);
                    return !plan.toleranceViolations().isEmpty();
                });
    }

    @Test
    void sameSeedSamePlanAndSeedsDiffer() {
        Topology t = topology(8, 3);
        ToleranceSpec spec = ToleranceSpec.diskMajority(t);
        assertEquals(FaultPlanner.plan(new Prng(5), t, spec, Tolerance.WITHIN, SECOND),
                FaultPlanner.plan(new Prng(5), t, spec, Tolerance.WITHIN, SECOND));
        Set<FaultPlan> plans = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            plans.add(FaultPlanner.plan(new Prng(seed), t, spec, Tolerance.WITHIN, SECOND));
        }
        assertEquals(50, plans.size());
    }

    @Test
    void swarmDrawsCalmAndFaultyRunsAndEveryKindOfFault() {
        Topology t = topology(8, 3);
        ToleranceSpec spec = ToleranceSpec.diskMajority(t);
        Set<String> profiles = new HashSet<>();
        Set<Class<?>> kinds = new HashSet<>();
        boolean corrupting = false;
        for (long seed = 0; seed < 200; seed++) {
            FaultPlan plan = FaultPlanner.plan(new Prng(seed), t, spec, Tolerance.WITHIN, SECOND);
            profiles.add(plan.profile());
            plan.events().forEach(f -> kinds.add(f.getClass()));
            corrupting |= plan.disks().stream().anyMatch(d -> d.corruptsData());
        }
        assertEquals(Set.of("calm", "light", "heavy"), profiles);
        assertEquals(TimedFault.class.getPermittedSubclasses().length, kinds.size(), "kinds drawn: " + kinds);
        assertTrue(corrupting);
        assertNotEquals(0, spec.faultyDisksMax());
    }
}
