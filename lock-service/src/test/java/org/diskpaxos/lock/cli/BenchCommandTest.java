package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.diskpaxos.lock.bench.FailoverBenchmark;
import org.junit.jupiter.api.Test;

/** {@code dplock bench} names bad options and refuses a tmpfs directory, before measuring anything. */
class BenchCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void assertUsageError(String expected, String... argv) {
        err.reset();
        assertEquals(Main.EXIT_USAGE, run(argv), String.join(" ", argv));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(expected), () -> "'" + text + "' does not contain '" + expected + "'");
    }

    @Test
    void badOptionsAreNamed() {
        assertUsageError("unknown mode 'passive'; known: disk", "bench", "--mode", "passive");
        assertUsageError("--mode active needs --agents HOST:PORT,... and --key FILE", "bench", "--mode", "active");
        assertUsageError("--clients is for --mode active", "bench", "--clients", "10");
        assertUsageError("--failover is for --mode disk", "bench", "--mode", "active", "--failover");
        assertUsageError("--clients must be between 1 and 100000, got 0", "bench", "--mode", "active", "--agents", "127.0.0.1:1",
                "--key", "k", "--clients", "0");
        assertUsageError("disks must be 1, 3 or 5, got 2", "bench", "--disks", "2");
        assertUsageError("host slots must be 1..2000", "bench", "--hosts", "16,2001");
        assertUsageError("host slots must be 1..250", "bench", "--sector-size", "4096", "--hosts", "2000");
        assertUsageError("--sector-size must be 512 or 4096", "bench", "--sector-size", "1024");
        assertUsageError("a timeout profile is default or fast", "bench", "--profile", "slow");
        assertUsageError("--disks must be numbers", "bench", "--disks", "one");
        assertUsageError("one --disks and one --hosts", "bench", "--failover", "--disks", "1,3");
        assertUsageError("--threads must be between 0 and 64", "bench", "--threads", "65");
    }

    @Test
    void aTmpfsDirectoryIsRefused() {
        assumeTrue(FailoverBenchmark.fileSystemType(Path.of("/dev/shm")).equals("tmpfs"), "no tmpfs at /dev/shm");
        assertUsageError("is on tmpfs", "bench", "--dir", "/dev/shm", "--iterations", "1");
    }
}
