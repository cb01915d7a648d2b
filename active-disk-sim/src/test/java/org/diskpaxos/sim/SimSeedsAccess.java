package org.diskpaxos.sim;

import java.util.stream.Stream;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;

/** Opens {@link SimSeeds} to tests in sub-packages. */
public final class SimSeedsAccess {
    private SimSeedsAccess() {
    }

    public static Stream<DynamicTest> sweep(WorkloadFactory factory, Tolerance tolerance, long start, int count,
            long durationNs) {
        return SimSeeds.sweep(factory, tolerance, start, count, durationNs);
    }
}
