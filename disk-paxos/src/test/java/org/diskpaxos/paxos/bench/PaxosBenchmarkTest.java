package org.diskpaxos.paxos.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.diskpaxos.paxos.TargetTempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short ballot benchmark run decides and acquires on one and three file-backed disks, measures both floors of the
 * same I/O (raw loop and dd) in the same run, and leaves no files behind; the floor takes the majority-th fastest
 * disk per phase; limits are enforced.
 */
class PaxosBenchmarkTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void aShortRunMeasuresBallotsAndBothFloorsAndCleansUp() throws Exception {
        List<PaxosBenchmark.Scenario> scenarios = List.of(new PaxosBenchmark.Scenario(1, 16),
                new PaxosBenchmark.Scenario(3, 16));
        PaxosBenchmark.Report report = PaxosBenchmark.run(new PaxosBenchmark.Config(dir, 20, 2, 6, scenarios), null);
        assertEquals(2, report.results().size());
        for (PaxosBenchmark.ScenarioResult r : report.results()) {
            for (Latencies l : List.of(r.decide(), r.acquire(), r.rawFloor(), r.rawPhase0())) {
                assertEquals(20, l.count(), r.toString());
                assertTrue(0 < l.p50Ns() && l.p50Ns() <= l.p90Ns() && l.p90Ns() <= l.p99Ns(), r.toString());
            }
            assertEquals(2, r.ddFloor().count(), "one dd estimate per round: " + r);
            assertTrue(r.ratioToDd() > 0 && r.ratioToRaw() > 0 && r.pairedRatioToRaw() > 0, r.toString());
        }
        String text = PaxosBenchmark.formatText(report);
        assertTrue(text.contains("3 disks, 16 hosts") && text.contains("floor raw") && text.contains("acquire"), text);
        String json = PaxosBenchmark.formatJson(report);
        assertTrue(json.startsWith("{\"date\":") && json.endsWith("]}") && json.contains("\"pairedRatioToRaw\":"),
                json);
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.findAny().isPresent(), "work files left behind");
        }
    }

    @Test
    void aPhaseIsDoneWhenAMajorityOfDisksIs() {
        // 3 disks, 2 iterations, steps: phase-0 read, phase 1, phase 2.
        long[][][] perDisk = {
            {{5, 10, 100}, {1, 7, 7}},
            {{6, 30, 20}, {2, 8, 9}},
            {{7, 20, 300}, {3, 900, 900}},
        };
        assertArrayEquals(new long[] {20 + 100, 8 + 9}, BallotFloor.combine(perDisk, 2, 1, 2));
        assertArrayEquals(new long[] {6, 2}, BallotFloor.combine(perDisk, 2, 0, 0));
        long[][][] oneDisk = {{{1, 2, 3}}};
        assertArrayEquals(new long[] {5}, BallotFloor.combine(oneDisk, 1, 1, 2));
        assertEquals(1 << 20, BallotFloor.ddFileBytes(512, 1, 16, 10), "10 reads of 8 KiB fit in 1 MiB");
        assertEquals(2L << 20, BallotFloor.ddFileBytes(512, 1, 2000, 2), "2 reads of 1000 KiB after 1 KiB");
        assertEquals(131, BallotFloor.ddTransfersMax(512, 2000), "(128 MiB - 1 KiB) / 1000 KiB");
        assertThrows(IllegalArgumentException.class, () -> BallotFloor.dd(List.of(dir), 512, 1, 2000, 132));
    }

    @Test
    void latenciesUseNearestRank() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[99 - i] = (i + 1) * 1000L;
        }
        Latencies l = Latencies.of(samples);
        assertEquals(List.of(50_000L, 90_000L, 99_000L, 50_500L), List.of(l.p50Ns(), l.p90Ns(), l.p99Ns(), l.meanNs()));
        assertEquals(1e9 / 50_500, l.perSecond(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Latencies.of(new long[0]));
    }

    @Test
    void limitsAreEnforced() {
        List<PaxosBenchmark.Scenario> one = List.of(new PaxosBenchmark.Scenario(1, 16));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Config(dir, 9, 1, 0, one));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Config(dir, 10, 11, 0, one));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Config(dir, 10, 1, 10_001, one));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Config(dir, 10, 1, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Scenario(6, 16));
        assertThrows(IllegalArgumentException.class, () -> new PaxosBenchmark.Scenario(1, 2001));
    }
}
