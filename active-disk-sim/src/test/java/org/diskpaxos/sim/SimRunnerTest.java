package org.diskpaxos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * Every way a run can go wrong ends as a failed result that names the checker, carries the last events and the
 * command that reproduces the seed: a broken invariant, an exception in simulated code, missing progress after
 * the heal (within tolerance only), and an event budget overrun.
 */
class SimRunnerTest {

    private static SimOptions options(Tolerance tolerance) {
        return new SimOptions("probe", 7, 1, tolerance, 0, false, false);
    }

    @Test
    void passingRunReportsHashAndEvents() {
        RunResult r = SimRunner.run(ProbeWorkload.factory(w -> { }), options(Tolerance.WITHIN), 7, null);
        assertTrue(r.passed(), r.failure());
        assertTrue(r.eventCount() > 500, "events " + r.eventCount());
        assertEquals(50_000_000L, r.virtualNs());
        assertEquals(16, r.traceHash().length());
    }

    @Test
    void brokenInvariantNamesCheckerSeedAndReproduceCommand() {
        RunResult r = SimRunner.run(ProbeWorkload.factory(w -> {
            w.failAtTick = 40;
            w.failAfterTicks = "forty ticks is too many";
        }), options(Tolerance.WITHIN), 7, null);
        assertFalse(r.passed());
        assertTrue(r.failure().startsWith("[probe] forty ticks is too many"), r.failure());
        assertEquals("./dplock sim --protocol probe --faults within --seed 7", r.reproduceCommand());
        String report = r.failureReport();
        assertTrue(report.contains("seed 7") && report.contains("reproduce: ./dplock sim"), report);
        assertFalse(r.recentTrace().isEmpty());
        assertTrue(r.virtualNs() < 50_000_000L, "the run should stop at the violation");
    }

    @Test
    void exceptionInSimulatedCodeFailsTheSeed() {
        RunResult r = SimRunner.run(ProbeWorkload.factory(w -> w.throwInTask = true), options(Tolerance.BEYOND), 7, null);
        assertFalse(r.passed());
        assertTrue(r.failure().contains("probe blew up"), r.failure());
    }

    @Test
    void livenessIsDemandedWithinToleranceOnly() {
        RunResult within = SimRunner.run(ProbeWorkload.factory(w -> w.liveness = "stuck"), options(Tolerance.WITHIN),
                7, null);
        assertTrue(within.failure().startsWith("[liveness] stuck"), within.failure());
        RunResult beyond = SimRunner.run(ProbeWorkload.factory(w -> w.liveness = "stuck"), options(Tolerance.BEYOND),
                7, null);
        assertNull(beyond.failure());
    }

    @Test
    void eventBudgetStopsARunawayRun() {
        RunResult r = SimRunner.run(ProbeWorkload.factory(w -> w.onInstall = sim -> sim.setEventsMax(100)),
                options(Tolerance.WITHIN), 7, null);
        assertTrue(r.failure().startsWith("[event-budget]"), r.failure());
        assertEquals(100, r.eventCount());
    }
}
