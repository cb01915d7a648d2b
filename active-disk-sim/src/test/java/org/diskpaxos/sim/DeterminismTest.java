package org.diskpaxos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diskpaxos.sim.fault.Tolerance;
import org.diskpaxos.sim.workload.DiskIoWorkload;
import org.junit.jupiter.api.Test;

/**
 * One seed decides everything: two runs of a seed produce the same trace, record for record, and the same hash;
 * different seeds produce different runs.
 */
class DeterminismTest {
    private static final long DURATION_NS = 200_000_000L;

    private static SimOptions options(Tolerance tolerance) {
        return new SimOptions("disk-io", 1, 1, tolerance, DURATION_NS, false, false);
    }

    @Test
    void sameSeedSameTraceRecordForRecord() {
        for (Tolerance tolerance : Tolerance.values()) {
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            RunResult a = SimRunner.run(DiskIoWorkload.factory(), options(tolerance), 12, first::add);
            RunResult b = SimRunner.run(DiskIoWorkload.factory(), options(tolerance), 12, second::add);
            assertTrue(first.size() > 1_000, "trace too short: " + first.size());
            assertEquals(first, second);
            assertEquals(a.traceHash(), b.traceHash());
            assertEquals(a.eventCount(), b.eventCount());
            assertEquals(a.workloadSummary(), b.workloadSummary());
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        Set<String> hashes = new HashSet<>();
        for (long seed = 100; seed < 130; seed++) {
            hashes.add(SimRunner.run(DiskIoWorkload.factory(), options(Tolerance.WITHIN), seed, null).traceHash());
        }
        assertEquals(30, hashes.size());
    }
}
