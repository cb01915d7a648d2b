package org.diskpaxos.sim.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.net.LinkFaults;
import org.junit.jupiter.api.Test;

/** The tolerance audit notices each way a plan can exceed its spec, and nothing in a plan that stays within it. */
class ToleranceAuditTest {
    private static final long HEAL = 600;
    private final Topology topology = new Topology(3, 3, new DiskGeometry(512, 16));
    private final ToleranceSpec spec = ToleranceSpec.diskMajority(topology);

    private FaultPlan plan(List<Integer> faultyDisks, List<Integer> faultyHosts, List<DiskFaults> disks,
            List<TimedFault> events) {
        FaultPlan base = FaultPlan.none(topology, spec, 1_000, DiskFaults.none(LatencyModel.fixed(1)),
                LinkFaults.reliable(1));
        List<DiskFaults> d = disks == null ? base.disks() : disks;
        return new FaultPlan(Tolerance.WITHIN, spec, "test", HEAL, 1_000, d, faultyDisks, faultyHosts,
                base.clockStartNs(), base.driftPpm(), base.network(), events);
    }

    private List<String> audit(List<TimedFault> events) {
        return plan(List.of(), List.of(), null, events).toleranceViolations();
    }

    @Test
    void planWithinBoundsHasNoViolations() {
        List<TimedFault> events = List.of(new TimedFault.Crash(0, 10), new TimedFault.Restart(0, 20),
                new TimedFault.DiskStop(1, 30, 100), new TimedFault.CutOff(2, 0, 40, 50),
                new TimedFault.Pause(1, 50, 1_000_000), new TimedFault.Partition(0, 1, 60, 100));
        assertEquals(List.of(), plan(List.of(2), List.of(1), null, events).toleranceViolations());
    }

    @Test
    void eachExcessIsNamed() {
        assertTrue(plan(List.of(0, 1), List.of(), null, List.of()).toleranceViolations().get(0).contains("faulty disks"));
        List<DiskFaults> corrupt = new ArrayList<>(plan(List.of(), List.of(), null, List.of()).disks());
        corrupt.set(1, corrupt.get(1).withBitFlips(0.1, 0));
        assertTrue(plan(List.of(), List.of(), corrupt, List.of()).toleranceViolations().get(0).contains("corrupts"));
        assertTrue(audit(List.of(new TimedFault.DiskStop(0, 10, TimedFault.FOREVER),
                new TimedFault.DiskStop(1, 10, TimedFault.FOREVER))).get(0).contains("faulty disks"));
        assertTrue(audit(List.of(new TimedFault.DiskStop(0, 10, TimedFault.FOREVER),
                new TimedFault.CutOff(2, 1, 10, TimedFault.FOREVER))).get(0).contains("host 2"));
        assertTrue(audit(List.of(new TimedFault.Pause(0, 10, 10_000_000_000L))).toString().contains("pauses"));
        assertTrue(audit(List.of(new TimedFault.Drift(0, 10, 5_000))).toString().contains("drifts"));
        assertTrue(audit(List.of(new TimedFault.ClockStep(0, 10, 1_000_000_000L))).toString().contains("steps"));
        assertTrue(audit(List.of(new TimedFault.Crash(0, 10), new TimedFault.Crash(1, 10), new TimedFault.Crash(2, 10)))
                .toString().contains("faulty hosts"));
        assertTrue(audit(List.of(new TimedFault.PowerLoss(0, HEAL + 1, null))).toString().contains("after the heal"));
    }
}
