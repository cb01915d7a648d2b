package org.diskpaxos.lock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.junit.jupiter.api.Test;

/**
 * One failover under the fast profile, with a real holder JVM killed by SIGKILL: the survivor gets a higher token,
 * not before the holder's lease could have run out, and within the 3 s target.
 */
class FailoverBenchmarkTest {

    @Test
    void aKilledHoldersLeaseMovesWithinTheFastProfilesBound() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "failover");
        LeaseTimeouts fast = LeaseTimeouts.FAST;
        FailoverBenchmark.Report report = FailoverBenchmark.run(new FailoverBenchmark.Config(dir,
                new BenchLayout(1, 16, AreaGeometry.SECTOR_512_ALIGN_1M),
                List.of(new FailoverBenchmark.Profile("fast", fast)), 1), null);
        FailoverBenchmark.Run run = report.results().get(0).runs().get(0);
        assertTrue(run.survivorFence() > run.holderFence(), run.toString());
        // The holder renewed at most one interval before the kill, and its lease is valid validFor from then.
        assertTrue(run.failoverNs() >= fast.validForNs() - fast.renewIntervalNs(),
                "taken over " + run.failoverNs() / 1e6 + " ms after the kill: the holder may still have held it");
        assertTrue(run.failoverNs() <= 3_000_000_000L, "failover took " + run.failoverNs() / 1e6
                + " ms; the fast profile's target is 3 s");
        assertTrue(FailoverBenchmark.formatText(report).contains("fast"));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "work files left behind");
        }
        Files.delete(dir);
    }

    @Test
    void inActiveModeTooAKilledHoldersLeaseMovesWithinTheFastProfilesBound() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "failover-active");
        LeaseTimeouts fast = LeaseTimeouts.FAST;
        FailoverBenchmark.Report report = FailoverBenchmark.run(new FailoverBenchmark.Config(dir,
                new BenchLayout(3, 16, AreaGeometry.SECTOR_512_ALIGN_1M),
                List.of(new FailoverBenchmark.Profile("fast", fast)), 1, true), null);
        FailoverBenchmark.Run run = report.results().get(0).runs().get(0);
        assertTrue(run.survivorFence() > run.holderFence(), run.toString());
        assertTrue(run.failoverNs() >= fast.validForNs() - fast.renewIntervalNs(),
                "taken over " + run.failoverNs() / 1e6 + " ms after the kill: the holder may still have held it");
        assertTrue(run.failoverNs() <= 3_000_000_000L, "failover took " + run.failoverNs() / 1e6 + " ms");
        assertTrue(FailoverBenchmark.formatText(report).contains("active mode, 3 agents"));
        assertTrue(FailoverBenchmark.formatJson(report).contains("\"mode\":\"active-lease\""));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "work files left behind");
        }
        Files.delete(dir);
    }
}
