package org.diskpaxos.paxos.active.sim;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Active Disk Paxos on the simulator — Consensus over ActiveRankedRegisters on simulated agents that crash, restart
 * and lose power, over a network that delays, drops, duplicates, reorders and partitions — keeps agreement,
 * validity, ranked-register safety, monotonic ranks and agent durability after every event, and keeps deciding once
 * faults within tolerance heal; with a dozen processes, and with 10,000 (safety only). {@code -Dsim.seed=N}
 * replays one seed; the
 * {@code long} sweeps run with -Plong.
 */
class ActiveConsensusSimulationTest {

    private static final long DURATION_NS = 2_000_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(ActiveConsensusWorkload.factory(), Tolerance.WITHIN, 1, 200, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(ActiveConsensusWorkload.factory(), Tolerance.BEYOND, 1, 100, DURATION_NS);
    }

    /**
     * Seeds that found problems: 262, 1102 and 3523 (proposers starved by others' fresh proposals while attempts took
     * as long as the whole backoff window: the window's cap is now 256 slots, the think time 20 ms, and the dozen
     * processes use three resources), 3488 (a laggard writing back an instance others had decided: late, not stuck,
     * as the Disk Paxos workload counts it), and 288, 499,
     * 986, 1008, 1471, 1516, 1561, 1944, 1956, 1976 (an agent on a corrupting disk forgot an acknowledged write:
     * agents' disks now only stop, see {@link ActiveConsensusWorkload}). The planner draws other plans for the
     * latter since; they stay as extra runs.
     */
    @TestFactory
    Stream<DynamicTest> seedsThatFoundBugs() {
        return LongStream.of(262, 1102, 3523, 3488, 288, 499, 986, 1008, 1471, 1516, 1561, 1944, 1956, 1976)
                .mapToObj(seed -> SimSeeds.sweep(ActiveConsensusWorkload.factory(), Tolerance.WITHIN, seed, 1,
                        DURATION_NS))
                .flatMap(s -> s);
    }

    @TestFactory
    Stream<DynamicTest> tenThousandProcesses() {
        return SimSeeds.sweep(ActiveConsensusWorkload.largeFactory(), Tolerance.WITHIN, 1, 1,
                ActiveConsensusWorkload.LARGE.defaultDurationNs());
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyWithinTolerance() {
        return SimSeeds.sweep(ActiveConsensusWorkload.factory(), Tolerance.WITHIN, 1000, 5000, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyBeyondTolerance() {
        return SimSeeds.sweep(ActiveConsensusWorkload.factory(), Tolerance.BEYOND, 1000, 5000, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> tenThousandProcessesManySeeds() {
        return Stream.concat(
                SimSeeds.sweep(ActiveConsensusWorkload.largeFactory(), Tolerance.WITHIN, 2, 20,
                        ActiveConsensusWorkload.LARGE.defaultDurationNs()),
                SimSeeds.sweep(ActiveConsensusWorkload.largeFactory(), Tolerance.BEYOND, 1, 10,
                        ActiveConsensusWorkload.LARGE.defaultDurationNs()));
    }
}
