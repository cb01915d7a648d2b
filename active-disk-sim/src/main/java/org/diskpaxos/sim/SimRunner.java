package org.diskpaxos.sim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import org.diskpaxos.sim.check.InvariantViolation;
import org.diskpaxos.sim.fault.FaultPlan;
import org.diskpaxos.sim.fault.FaultPlanner;
import org.diskpaxos.sim.fault.Tolerance;

/**
 * Runs one seed of one workload: draws the fault plan from the seed, builds the {@link Simulation}, runs it to the
 * plan's end with every checker after every event, then (within tolerance) asks the workload for progress.
 * Violations and unexpected exceptions from simulated code become a failed {@link RunResult}, never a crash.
 */
public final class SimRunner {
    private SimRunner() {
    }

    /** Runs {@code seed}; {@code traceSink}, if not null, receives every trace record. */
    public static RunResult run(WorkloadFactory factory, SimOptions options, long seed, Consumer<String> traceSink) {
        long wallStartNs = WallClock.nanoTime();
        Tolerance tolerance = options.tolerance();
        long durationNs = options.durationNs() > 0 ? options.durationNs() : factory.defaultDurationNs();
        Workload workload = factory.create();
        Topology topology = workload.topology();
        FaultPlan plan = FaultPlanner.plan(new Prng(seed).derive("fault-plan"), topology,
                workload.tolerance(topology), tolerance, durationNs);
        Simulation sim = new Simulation(seed, topology, plan);
        sim.trace().setSink(traceSink);
        String failure = null;
        try {
            workload.install(sim);
            sim.start(workload::onHostStart);
            sim.runUntil(plan.endAtNs());
            sim.checkAtEnd();
            if (tolerance == Tolerance.WITHIN) {
                String missing = workload.livenessFailure(sim);
                if (missing != null) {
                    sim.fail("liveness", missing);
                }
            }
        } catch (InvariantViolation v) {
            failure = v.getMessage();
        } catch (RuntimeException | AssertionError e) {
            failure = "unexpected " + describe(e) + " at virtual time " + sim.nowNs() + " ns, event " + sim.eventCount();
        }
        long wallNs = WallClock.nanoTime() - wallStartNs;
        return new RunResult(seed, factory.protocol(), tolerance, failure, sim.trace().recent(), sim.eventCount(),
                sim.nowNs(), sim.trace().hashHex(), wallNs, plan.describe(), safeSummary(workload),
                options.reproduceCommand(seed));
    }

    private static String safeSummary(Workload workload) {
        try {
            return workload.summary();
        } catch (RuntimeException e) {
            return "(no summary: " + e + ")";
        }
    }

    private static String describe(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        String[] lines = text.toString().split("\n");
        StringBuilder b = new StringBuilder(lines[0].trim());
        for (int i = 1; i < Math.min(lines.length, 6); i++) {
            b.append(" | ").append(lines[i].trim());
        }
        return b.toString();
    }
}
