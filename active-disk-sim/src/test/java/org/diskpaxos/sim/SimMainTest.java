package org.diskpaxos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.diskpaxos.sim.workload.DiskIoWorkload;
import org.junit.jupiter.api.Test;

/**
 * The simulator's command line: runs seeds, prints the trace hash and speed, prints a failing seed's report and
 * reproduce command with exit code 1, and names bad arguments with exit code 64.
 */
class SimMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(List<WorkloadFactory> protocols, String... argv) {
        return SimMain.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), protocols);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsSeedsAndPrintsTraceHashAndSpeed() {
        assertEquals(0, run(List.of(DiskIoWorkload.factory()), "--seeds", "2", "--start", "5", "--duration", "100ms"));
        String text = out();
        assertTrue(text.contains("seed 5 ") && text.contains("seed 6 "), text);
        assertTrue(text.matches("(?s).*trace [0-9a-f]{16}.*"), text);
        assertTrue(text.contains("2 seeds, 0 failed") && text.contains("events/ms"), text);
    }

    @Test
    void failingSeedPrintsReportAndExitsOne() {
        WorkloadFactory failing = ProbeWorkload.factory(w -> {
            w.failAtTick = 3;
            w.failAfterTicks = "deliberate";
        });
        assertEquals(SimMain.EXIT_VIOLATION, run(List.of(failing), "--protocol", "probe", "--seed", "9",
                "--faults", "beyond"));
        String text = out();
        assertTrue(text.contains("seed 9 (probe, faults beyond) FAILED: [probe] deliberate"), text);
        assertTrue(text.contains("reproduce: ./dplock sim --protocol probe --faults beyond --seed 9"), text);
        assertTrue(text.contains("1 seeds, 1 failed [9]"), text);
    }

    @Test
    void badArgumentsAreNamed() {
        List<WorkloadFactory> p = List.of(DiskIoWorkload.factory());
        assertEquals(SimMain.EXIT_USAGE, run(p));
        assertTrue(err().contains("--seed"), err());
        assertEquals(SimMain.EXIT_USAGE, run(p, "--seed", "1", "--seeds", "2"));
        assertEquals(SimMain.EXIT_USAGE, run(p, "--seed", "x"));
        assertEquals(SimMain.EXIT_USAGE, run(p, "--seed", "1", "--faults", "sideways"));
        assertTrue(err().contains("'sideways'"), err());
        assertEquals(SimMain.EXIT_USAGE, run(p, "--seed", "1", "--protocol", "nope"));
        assertTrue(err().contains("unknown protocol 'nope'") && err().contains("disk-io"), err());
        assertEquals(SimMain.EXIT_USAGE, run(p, "--seed", "1", "--duration", "-5s"));
        assertEquals(SimMain.EXIT_USAGE, run(p, "--frobnicate"));
        assertEquals(0, run(p, "--help"));
        assertTrue(out().startsWith("usage: dplock sim"), out());
    }

    @Test
    void reproduceCommandCarriesANonDefaultDuration() {
        SimOptions o = SimMain.options("disk-io", 3L, null, 1, org.diskpaxos.sim.fault.Tolerance.WITHIN, 250_000_000L,
                false, false);
        assertEquals("./dplock sim --protocol disk-io --faults within --seed 3 --duration 250ms", o.reproduceCommand(3));
    }
}
