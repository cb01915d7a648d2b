package org.diskpaxos.sim.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.net.LinkFaults;
import org.junit.jupiter.api.Test;

/**
 * The nemesis applies each timed fault at its instant; overlapping windows on one component keep it broken until
 * the last closes; crashed hosts restart; the heal stops transient faults on disks not counted as faulty only.
 */
class NemesisTest {
    private final Topology topology = new Topology(2, 2, new DiskGeometry(512, 16));

    private Simulation simulation(List<TimedFault> events, List<Integer> faultyDisks) {
        FaultPlan base = FaultPlan.none(topology, ToleranceSpec.diskMajority(topology), 10_000,
                DiskFaults.none(LatencyModel.fixed(1)).withErrors(1.0), LinkFaults.reliable(1));
        FaultPlan plan = new FaultPlan(Tolerance.WITHIN, base.spec(), "test", 5_000, 10_000, base.disks(), faultyDisks,
                List.of(), base.clockStartNs(), base.driftPpm(), base.network(), events);
        Simulation sim = new Simulation(1, topology, plan);
        sim.start(host -> { });
        return sim;
    }

    @Test
    void overlappingWindowsCloseWithTheLast() {
        Simulation sim = simulation(List.of(new TimedFault.DiskStop(0, 100, 900), new TimedFault.DiskStop(0, 500, 1_000),
                new TimedFault.Pause(1, 100, 900), new TimedFault.Pause(1, 500, 1_000),
                new TimedFault.CutOff(0, 1, 100, 900), new TimedFault.CutOff(0, 1, 500, 1_000),
                new TimedFault.Partition(0, 1, 100, 900), new TimedFault.Partition(1, 0, 500, 1_000)), List.of());
        sim.runUntil(1_200);
        assertFalse(sim.disk(0).isAnswering());
        assertTrue(sim.host(1).isPaused());
        assertTrue(sim.disk(1).isCutOff(0));
        assertTrue(sim.network().isCut(0, 1));
        sim.runUntil(1_600);
        assertTrue(sim.disk(0).isAnswering());
        assertFalse(sim.host(1).isPaused());
        assertFalse(sim.disk(1).isCutOff(0));
        assertFalse(sim.network().isCut(0, 1));
    }

    @Test
    void crashRestartAndClockFaultsHappenOnTime() {
        Simulation sim = simulation(List.of(new TimedFault.Crash(0, 100), new TimedFault.Restart(0, 300),
                new TimedFault.ClockStep(1, 200, 1_000_000), new TimedFault.Drift(1, 250, 50)), List.of());
        long startReading = sim.host(1).clockNs();
        sim.runUntil(150);
        assertFalse(sim.host(0).isUp());
        sim.runUntil(400);
        assertTrue(sim.host(0).isUp());
        assertEquals(2, sim.host(0).incarnation());
        assertTrue(sim.host(1).clockNs() - startReading >= 1_000_400);
        assertEquals(50_000, sim.host(1).clock().driftPpb());
    }

    @Test
    void healStopsTransientFaultsOnNonFaultyDisksOnly() {
        Simulation sim = simulation(List.of(), List.of(1));
        List<String> results = new java.util.ArrayList<>();
        sim.runUntil(5_001);
        sim.scheduler().at(6_000, () -> {
            for (int d = 0; d < 2; d++) {
                int disk = d;
                sim.disk(d).viewFor(sim.host(0)).sync(d, 0, r -> results.add(disk + (r.ok() ? " ok" : " failed")));
            }
        });
        sim.runUntil(10_000);
        assertEquals(List.of("0 ok", "1 failed"), results);
    }
}
