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
 * A short real run of the lease benchmark counts every cycle of every thread in every round (and of the I/O floor),
 * gets every release acknowledged, reports sane percentiles and rates in both formats, and leaves no files behind;
 * the same through a lock daemon ({@code --mode daemon}) and in active mode ({@code --mode active-lease}).
 */
class LeaseBenchmarkTest {

    @Test
    void aShortRunCountsEveryCycleAndCleansUp() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bench");
        LeaseBenchmark.Config config = new LeaseBenchmark.Config(dir, BenchMode.byName("disk"),
                List.of(new BenchLayout(1, 16, AreaGeometry.SECTOR_512_ALIGN_1M)), 2, 0, 10, 0, 2,
                LeaseTimeouts.FAST);
        LeaseBenchmark.Report report = LeaseBenchmark.run(config, null);
        assertEquals(3, report.results().size());
        LeaseBenchmark.Result serial = report.results().get(0);
        LeaseBenchmark.Result parallel = report.results().get(1);
        LeaseBenchmark.Result floor = report.results().get(2);
        assertEquals(LeaseBenchmark.IO_FLOOR, floor.workload());
        assertEquals(2 * 10, floor.cycles(), "the I/O floor runs like the serial workload");
        assertEquals("serial", serial.workload());
        assertEquals(2 * 10, serial.cycles(), "1 thread x 10 cycles x 2 rounds");
        assertEquals("parallel", parallel.workload());
        assertEquals(2 * 10 * 2, parallel.cycles(), "2 threads x 10 cycles x 2 rounds");
        for (LeaseBenchmark.Result r : report.results()) {
            assertEquals(0, r.errors(), r.workload() + ": releases not acknowledged");
            assertEquals(r.cycles(), r.acquire().count());
            assertEquals(r.cycles(), r.release().count());
            assertTrue(0 < r.acquire().p50Ns() && r.acquire().p50Ns() <= r.acquire().p99Ns()
                    && r.acquire().p99Ns() <= r.acquire().maxNs(), r.acquire().toString());
            assertTrue(r.cyclesPerSecond() > 0 && r.roundCyclesPerSecond().length == 2);
        }
        String text = LeaseBenchmark.formatText(report);
        assertTrue(text.contains("1 disk, 16 slots, 512 B") && text.contains("parallel"), text);
        String json = LeaseBenchmark.formatJson(report);
        assertTrue(json.startsWith("{") && json.endsWith("}") && json.contains("\"numHosts\":16")
                && json.contains("\"workload\":\"parallel\"") && json.contains("\"cyclesPerSecond\":"), json);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "work files left behind");
        }
        Files.delete(dir);
    }

    @Test
    void throughTheDaemonEveryCycleIsCountedToo() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bench-daemon");
        LeaseBenchmark.Config config = new LeaseBenchmark.Config(dir, BenchMode.byName("daemon"),
                List.of(new BenchLayout(3, 16, AreaGeometry.SECTOR_512_ALIGN_1M)), 2, 0, 10, 0, 2,
                LeaseTimeouts.FAST);
        LeaseBenchmark.Report report = LeaseBenchmark.run(config, null);
        assertEquals("daemon", report.mode());
        assertEquals(3, report.results().size());
        assertEquals(2 * 10, report.results().get(0).cycles());
        assertEquals(2 * 10 * 2, report.results().get(1).cycles());
        for (LeaseBenchmark.Result r : report.results()) {
            assertEquals(0, r.errors(), r.workload() + ": releases not acknowledged");
            assertEquals(r.cycles(), r.acquire().count());
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "work files left behind");
        }
        Files.delete(dir);
    }

    @Test
    void inActiveModeEveryCycleIsCountedAndTheAgentsGoAway() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "bench-active");
        LeaseBenchmark.Config config = new LeaseBenchmark.Config(dir, BenchMode.byName("active-lease"),
                List.of(new BenchLayout(3, 16, AreaGeometry.SECTOR_512_ALIGN_1M)), 2, 0, 10, 0, 2,
                LeaseTimeouts.FAST);
        LeaseBenchmark.Report report = LeaseBenchmark.run(config, null);
        assertEquals("active-lease", report.mode());
        assertEquals(2, report.results().size(), "serial and parallel, no io floor row");
        assertEquals(2 * 10, report.results().get(0).cycles());
        assertEquals(2 * 10 * 2, report.results().get(1).cycles());
        for (LeaseBenchmark.Result r : report.results()) {
            assertEquals(0, r.errors(), r.workload() + ": releases not acknowledged");
            assertEquals(r.cycles(), r.acquire().count());
        }
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "work files left behind");
        }
        Files.delete(dir);
    }
}
