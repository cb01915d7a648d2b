package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The multi-process tests' checker catches what it is there to catch: on hand-made logs it accepts a clean history
 * (with a kill, a pause and a refused stale write) and rejects overlapping holds, a token handed out twice, a
 * token going back, a stale write from a process never paused, a lost increment, and an acknowledged increment
 * missing from the log. The fenced counter itself redoes an increment whose writer died between log and counter.
 */
class CounterLogTest {
    private Path dir;
    private Path counter;
    private Path log;

    @BeforeEach
    void files() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "counterlog");
        counter = dir.resolve("counter");
        log = dir.resolve("log");
        FencedCounter.create(counter, log);
    }

    @AfterEach
    void remove() throws IOException {
        Files.deleteIfExists(counter);
        Files.deleteIfExists(log);
        Files.delete(dir);
    }

    private static final CounterLog.Chaos NONE = new CounterLog.Chaos(Map.of(), Map.of(), Map.of());

    /** Writes a log, keeping the counter in step with its OK lines (as the fenced counter would). */
    private void history(String... lines) throws IOException {
        Files.write(log, List.of(lines));
        long value = 0;
        long fence = 0;
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("OK")) {
                value = Long.parseLong(f[4]);
                fence = Long.parseLong(f[1]);
            }
        }
        Files.writeString(counter, String.format("%-47s%n", value + " " + fence));
    }

    @Test
    void aCleanHistoryWithAKillAPauseAndARefusedStaleWritePasses() throws IOException {
        history("ACQ 1 2 100 1000", "OK 1 2 100 1", "OK 1 2 100 2", "REL 1 2 100 2000",
                "ACQ 2 3 200 3000", "OK 2 3 200 3",                          // killed at 3500
                "ACQ 3 2 100 9000", "OK 3 2 100 4",                          // paused 9500..20000
                "ACQ 4 4 300 15000", "OK 4 4 300 5", "REL 4 4 300 16000",
                "REJECT 3 2 100 4", "REL 3 2 100 21000 lost");
        CounterLog.Summary s = CounterLog.verify(counter, log, new CounterLog.Chaos(Map.of(200L, 3500L),
                Map.of(100L, List.of(new long[] {9500, 20000})), Map.of(100L, 3L, 300L, 1L)));
        assertEquals(5, s.increments());
        assertEquals(4, s.holds());
        assertEquals(1, s.rejects());
    }

    @Test
    void overlappingHoldsFail() throws IOException {
        history("ACQ 1 2 100 1000", "OK 1 2 100 1", "ACQ 2 3 200 1500", "REL 1 2 100 2000", "OK 2 3 200 2",
                "REL 2 3 200 2500");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log, NONE));
        assertTrue(e.getMessage().contains("two holders at once"), e.getMessage());
    }

    @Test
    void aHoldOverlappingAKilledHoldersLastMomentsFails() throws IOException {
        history("ACQ 1 2 100 1000", "OK 1 2 100 1", "ACQ 2 3 200 1200", "OK 2 3 200 2", "REL 2 3 200 1300");
        Map<Long, Long> killed = Map.of(100L, 1250L);
        assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log,
                new CounterLog.Chaos(killed, Map.of(), Map.of())));
    }

    @Test
    void aTokenHandedOutTwiceFails() throws IOException {
        history("ACQ 1 2 100 1000", "REL 1 2 100 2000", "ACQ 1 3 200 3000", "REL 1 3 200 4000");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log, NONE));
        assertTrue(e.getMessage().contains("handed out twice"), e.getMessage());
    }

    @Test
    void aTokenGoingBackFails() throws IOException {
        history("ACQ 5 2 100 1000", "REL 5 2 100 2000", "ACQ 4 3 200 3000", "REL 4 3 200 4000");
        assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log, NONE));
    }

    @Test
    void aStaleWriteFromAProcessNeverPausedFails() throws IOException {
        history("ACQ 1 2 100 1000", "REL 1 2 100 2000", "ACQ 2 3 200 3000", "OK 2 3 200 1", "REJECT 1 2 100 2",
                "REL 2 3 200 4000");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log, NONE));
        assertTrue(e.getMessage().contains("never paused"), e.getMessage());
    }

    @Test
    void aLostIncrementFails() throws IOException {
        history("ACQ 1 2 100 1000", "OK 1 2 100 1", "OK 1 2 100 3", "REL 1 2 100 2000");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log, NONE));
        assertTrue(e.getMessage().contains("lost or doubled"), e.getMessage());
    }

    @Test
    void anAcknowledgedIncrementMissingFromTheLogFails() throws IOException {
        history("ACQ 1 2 100 1000", "OK 1 2 100 1", "REL 1 2 100 2000");
        assertThrows(AssertionFailedError.class, () -> CounterLog.verify(counter, log,
                new CounterLog.Chaos(Map.of(), Map.of(), Map.of(100L, 2L))));
    }

    @Test
    void theCounterRedoesAnIncrementWhoseWriterDiedBetweenLogAndCounter() throws IOException {
        assertTrue(FencedCounter.increment(counter, log, 1, 2, 100).accepted());
        // The writer of value 2 appended its log line and died before writing the counter.
        FencedCounter.append(log, "OK 1 2 100 2");
        FencedCounter.Outcome next = FencedCounter.increment(counter, log, 2, 3, 200);
        assertEquals(3, next.value());
        FencedCounter.Outcome stale = FencedCounter.increment(counter, log, 1, 2, 100);
        assertTrue(!stale.accepted() && stale.storedFence() == 2, stale.toString());
    }
}
