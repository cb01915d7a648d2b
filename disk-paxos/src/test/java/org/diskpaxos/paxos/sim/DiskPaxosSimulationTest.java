package org.diskpaxos.paxos.sim;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Disk Paxos on the simulator keeps agreement, validity and ranked-register safety after every event under the
 * seed's faults, and keeps deciding once faults within tolerance heal; failing seeds met during development are
 * replayed as regression tests. {@code -Dsim.seed=N} replays one seed; the {@code long} sweeps run with -Plong.
 */
class DiskPaxosSimulationTest {

    private static final long DURATION_NS = 2_000_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(DiskPaxosWorkload.factory(), Tolerance.WITHIN, 1, 200, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(DiskPaxosWorkload.factory(), Tolerance.BEYOND, 1,
                200, DURATION_NS);
    }

    /**
     * Seeds that found bugs: 1011 (a timed-out write of an earlier instance landed after a later instance's write to
     * the same sector), 2996 (a read misdirected to a never-written sector passed as a blank block), 197 (the
     * backoff window grew to seconds), 716 (a retried phase 0 went back to mbal 0). The fault planner has changed
     * since, so these seeds now draw other plans; each bug is pinned by a scenario in {@code DiskRankedRegisterTest}
     * or {@code ConsensusTest}, and the seeds stay as extra runs.
     */
    @TestFactory
    Stream<DynamicTest> seedsThatFoundBugs() {
        return LongStream.of(1011, 2996, 197, 716)
                .mapToObj(seed -> SimSeeds.sweep(DiskPaxosWorkload.factory(), Tolerance.WITHIN, seed, 1, DURATION_NS))
                .flatMap(s -> s);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyWithinTolerance() {
        return SimSeeds.sweep(DiskPaxosWorkload.factory(), Tolerance.WITHIN, 1000, 5000, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyBeyondTolerance() {
        return SimSeeds.sweep(DiskPaxosWorkload.factory(), Tolerance.BEYOND, 1000, 5000, DURATION_NS);
    }
}
