package org.diskpaxos.activedisk.sim;

import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Simulated agents under every fault the planner draws (crashes, power loss, partitions, loss, duplication,
 * reordering, stalls, I/O errors, torn writes, and corrupting disks within tolerance) never lose an acknowledged
 * change and never answer with a value nobody wrote; within tolerance every client reaches every healthy agent
 * after the heal. One dynamic test per seed; rerun one with -Dsim.seed=N.
 */
class AgentIoSeedsTest {
    private static final long DURATION_NS = 600_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(AgentIoWorkload.factory(), Tolerance.WITHIN, 1, 60, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(AgentIoWorkload.factory(), Tolerance.BEYOND, 1001, 30, DURATION_NS);
    }
}
