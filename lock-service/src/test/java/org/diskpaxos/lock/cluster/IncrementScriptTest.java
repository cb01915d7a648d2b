package org.diskpaxos.lock.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The increment script and its checker as a pair, without any lock service: run one at a time with growing tokens
 * they pass; run concurrently (no lock) the checker sees the damage, so a passing chaos test means something; and a
 * token not above the last committed one is refused before it touches the counter.
 */
class IncrementScriptTest {

    @TempDir
    Path dir;

    private Process increment(Path script, long fence, int host, String hold) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), dir.resolve("log").toString(),
                dir.resolve("counter").toString(), String.valueOf(host), hold).redirectErrorStream(true);
        pb.environment().put("DPLOCK_FENCE", String.valueOf(fence));
        return pb.start();
    }

    private Path script() throws Exception {
        Path s = dir.resolve("increment.sh");
        Files.writeString(s, CounterWorkload.SCRIPT);
        Files.writeString(dir.resolve("log"), "");
        return s;
    }

    @Test
    void oneAtATimeWithGrowingTokensPasses() throws Exception {
        Path s = script();
        for (int i = 1; i <= 5; i++) {
            Process p = increment(s, 10L * i, i % 3 + 1, "0");
            assertEquals(i + " " + 10 * i, new String(p.getInputStream().readAllBytes()).trim());
            assertEquals(0, p.waitFor());
        }
        CounterLog.Check c = CounterLog.check(Files.readAllLines(dir.resolve("log")));
        assertTrue(c.ok(), c.violations().toString());
        assertEquals(5, c.commits());
        assertEquals("5 50", Files.readString(dir.resolve("counter")).trim());
    }

    @Test
    void withoutALockTheCheckerSeesTheDamage() throws Exception {
        Path s = script();
        List<Process> all = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            all.add(increment(s, i, i, "0.2"));
        }
        for (Process p : all) {
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        CounterLog.Check c = CounterLog.check(Files.readAllLines(dir.resolve("log")));
        assertFalse(c.ok(), "six concurrent increments without a lock passed the checker: " + c);
    }

    @Test
    void aStaleTokenIsRefusedBeforeTheCounterChanges() throws Exception {
        Path s = script();
        assertEquals(0, increment(s, 7, 1, "0").waitFor());
        Process stale = increment(s, 7, 2, "0");
        assertEquals(9, stale.waitFor());
        CounterLog.Check c = CounterLog.check(Files.readAllLines(dir.resolve("log")));
        assertEquals(1, c.commits());
        assertTrue(c.violations().stream().anyMatch(v -> v.contains("stale")), c.violations().toString());
        assertEquals("1 7", Files.readString(dir.resolve("counter")).trim());
    }
}
