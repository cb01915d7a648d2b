package org.diskpaxos.activedisk.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diskpaxos.sim.RunResult;
import org.diskpaxos.sim.SimOptions;
import org.diskpaxos.sim.SimRunner;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.Test;

/** One agent-io seed replays exactly (same trace hash and summary); another seed is another run. */
class AgentIoDeterminismTest {

    private static RunResult run(long seed) {
        SimOptions o = new SimOptions("agent-io", seed, 1, Tolerance.WITHIN, 300_000_000L, false, false);
        return SimRunner.run(AgentIoWorkload.factory(), o, seed, null);
    }

    @Test
    void aSeedReplaysExactly() {
        RunResult a = run(11);
        RunResult b = run(11);
        assertTrue(a.passed(), a.failureReport());
        assertEquals(a.traceHash(), b.traceHash());
        assertEquals(a.eventCount(), b.eventCount());
        assertEquals(a.workloadSummary(), b.workloadSummary());
        assertNotEquals(a.traceHash(), run(12).traceHash());
    }
}
