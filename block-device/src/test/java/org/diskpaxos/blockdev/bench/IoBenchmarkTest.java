package org.diskpaxos.blockdev.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.TargetTempDir;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short benchmark run measures every backend and op, compares direct I/O with dd, and leaves no files behind. */
class IoBenchmarkTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void aShortRunMeasuresEverythingAndCleansUp() throws IOException {
        IoBenchmark.Report report = IoBenchmark.run(new IoBenchmark.Config(dir, 20, 2, true, true), null);
        boolean loop = LoopDevice.unavailableReason() == null;
        assertEquals((loop ? 4 : 3) * Op.values().length, report.results().size(), report.results().toString());
        for (Result r : report.results()) {
            assertEquals(20, r.count(), r.toString());
            assertTrue(0 < r.p50Ns() && r.p50Ns() <= r.p90Ns() && r.p90Ns() <= r.p99Ns(), r.toString());
            if (r.backend().equals("direct")) {
                assertTrue(r.ddBatchMeanNs() > 0 && r.ratioToDd() > 0, r.toString());
            } else {
                assertTrue(Double.isNaN(r.ratioToDd()), r.toString());
            }
        }
        assertEquals(loop, report.results().stream().anyMatch(r -> r.target().equals("loop")));
        String text = IoBenchmark.formatText(report);
        assertTrue(text.contains("write 512 B (O_DSYNC)") && text.contains("dd mean"), text);
        String json = IoBenchmark.formatJson(report);
        assertTrue(json.startsWith("{\"date\":") && json.endsWith("]}") && json.contains("\"ratioToDd\":"), json);
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.findAny().isPresent(), "work files left behind");
        }
    }

    @Test
    void percentilesAndMediansPickTheRightElements() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50, IoBenchmark.percentile(sorted, 0.50));
        assertEquals(90, IoBenchmark.percentile(sorted, 0.90));
        assertEquals(99, IoBenchmark.percentile(sorted, 0.99));
        assertEquals(3, IoBenchmark.median(new long[] {5, 1, 3}));
        assertEquals(2, IoBenchmark.median(new long[] {4, 1, 3, 0}));
    }
}
