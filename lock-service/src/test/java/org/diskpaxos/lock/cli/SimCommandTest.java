package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code dplock sim} runs the simulator's seeds and names bad arguments with exit code 64. */
class SimCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void runsASeedOfDiskIo() {
        assertEquals(0, run("sim", "--protocol", "disk-io", "--seed", "4", "--duration", "50ms"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("seed 4 ") && text.matches("(?s).*trace [0-9a-f]{16}.*"), text);
        assertTrue(text.contains("1 seeds, 0 failed"), text);
    }

    @Test
    void runsBeyondToleranceToo() {
        assertEquals(0, run("sim", "--seeds", "2", "--start", "10", "--faults", "beyond", "--duration", "50ms"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("faults beyond"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(Main.EXIT_USAGE, run("sim"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--seed"), err::toString);
        assertEquals(Main.EXIT_USAGE, run("sim", "--seed", "1", "--seeds", "3"));
        assertEquals(Main.EXIT_USAGE, run("sim", "--seed", "1", "--faults", "maybe"));
        assertEquals(Main.EXIT_USAGE, run("sim", "--seed", "1", "--protocol", "tape"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown protocol 'tape'"), err::toString);
        assertEquals(Main.EXIT_USAGE, run("sim", "--seeds", "0"));
        assertEquals(Main.EXIT_USAGE, run("sim", "--seed", "1", "extra"));
    }
}
