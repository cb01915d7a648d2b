package org.diskpaxos.sim.workload;

import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The disk-io workload passes its oracle on many seeds, with faults within tolerance (and then makes progress
 * after the heal) and beyond it (safety only). A failure names the seed and the command that reproduces it.
 */
class DiskIoSeedsTest {
    private static final long DURATION_NS = 300_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(DiskIoWorkload.factory(), Tolerance.WITHIN, 1, 200, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(DiskIoWorkload.factory(), Tolerance.BEYOND, 1, 200, DURATION_NS);
    }
}
