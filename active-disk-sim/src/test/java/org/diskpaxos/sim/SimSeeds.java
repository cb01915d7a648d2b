package org.diskpaxos.sim;

import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;

/**
 * Turns seeds into JUnit 5 dynamic tests: one test per seed, named after it, failing with the seed's report
 * (violation, last events, reproduce command). Later modules use it (or copy it) to sweep their protocols:
 * <pre>
 *   &#64;TestFactory
 *   Stream&lt;DynamicTest&gt; within() {
 *       return SimSeeds.sweep(MyProtocolWorkload.factory(), Tolerance.WITHIN, 1, 200, 500_000_000L);
 *   }
 * </pre>
 *
 * <p>System properties: {@code -Dsim.seed=N} runs only seed N (to replay a failure); {@code -Dsim.seeds=COUNT} and
 * {@code -Dsim.start=N} change the sweep.
 */
public final class SimSeeds {
    private SimSeeds() {
    }

    public static Stream<DynamicTest> sweep(WorkloadFactory factory, Tolerance tolerance, long start, int count,
            long durationNs) {
        String only = System.getProperty("sim.seed");
        long first = only != null ? Long.parseLong(only) : Long.getLong("sim.start", start);
        int n = only != null ? 1 : Integer.getInteger("sim.seeds", count);
        SimOptions options = new SimOptions(factory.protocol(), first, n, tolerance, durationNs, false, false);
        return LongStream.range(first, first + n).mapToObj(seed -> DynamicTest.dynamicTest(
                "seed " + seed + " " + tolerance.cliName(), () -> {
                    RunResult r = SimRunner.run(factory, options, seed, null);
                    if (!r.passed()) {
                        throw new AssertionError(r.failureReport() + "\n  or: mvn -pl <this module> -am test"
                                + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=<this test class> -Dsim.seed="
                                + seed);
                    }
                }));
    }
}
