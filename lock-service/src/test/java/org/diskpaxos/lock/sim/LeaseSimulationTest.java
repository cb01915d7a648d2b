package org.diskpaxos.lock.sim;

import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Exclusive leases on the simulator, with hosts crashing, pausing and drifting and disks failing or stalling:
 * within the timing assumptions no two hosts ever hold a resource at the same virtual instant and leases keep
 * being granted after the heal; beyond them, no lease version is granted twice and fenced storage never accepts an
 * older token after a newer one. {@code -Dsim.seed=N} replays one seed; the {@code long} sweeps run with -Plong.
 */
class LeaseSimulationTest {

    private static final long DURATION_NS = 4_000_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1, 100, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.BEYOND, 1, 100, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyWithinTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1000, 3000, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyBeyondTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.BEYOND, 1000, 3000, DURATION_NS);
    }
}
