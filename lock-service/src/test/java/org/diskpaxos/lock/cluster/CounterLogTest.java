package org.diskpaxos.lock.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The counter log's checker, which the demo and the chaos tests rely on, accepts a log a working lock writes (cut-short
 * sections included) and catches each kind of failure: a lost increment, an overlap, a stale holder, a rejected token,
 * a torn line.
 */
class CounterLogTest {

    private static final List<String> GOOD = List.of(
            "begin 1 1 100.000 11",
            "commit 1 1 1 100.000 100.050",
            "begin 2 2 100.100 12",
            "commit 2 2 2 100.100 100.150",
            "begin 3 1 100.200 13",          // host 1 killed here: no commit
            "begin 5 3 102.300 14",          // fence 4 was granted but its holder died before beginning
            "commit 3 5 3 102.300 102.360");

    @Test
    void aCorrectLogPasses() {
        CounterLog.Check c = CounterLog.check(GOOD);
        assertTrue(c.ok(), c.violations().toString());
        assertEquals(3, c.commits());
        assertEquals(4, c.begins());
        assertEquals(1, c.interrupted());
        assertEquals(5, c.lastFence());
    }

    @Test
    void twoHoldersReadingTheSameValueIsALostIncrement() {
        CounterLog.Check c = CounterLog.check(List.of(
                "begin 1 1 1.0 1", "commit 1 1 1 1.0 1.1",
                "begin 2 2 1.2 2", "commit 1 2 2 1.2 1.3"));
        assertFalse(c.ok());
        assertTrue(c.violations().get(0).contains("lost"), c.violations().toString());
    }

    @Test
    void aBeginInsideAnotherSectionIsAnOverlap() {
        CounterLog.Check c = CounterLog.check(List.of(
                "begin 1 1 1.0 1", "begin 2 2 1.05 2", "commit 1 1 1 1.0 1.1", "commit 2 2 2 1.05 1.2"));
        assertFalse(c.ok());
        assertTrue(c.violations().stream().anyMatch(v -> v.contains("overlapped")), c.violations().toString());
    }

    @Test
    void anOldTokenBeginningLateIsAStaleHolder() {
        CounterLog.Check c = CounterLog.check(List.of(
                "begin 7 1 1.0 1", "commit 1 7 1 1.0 1.1", "begin 6 2 1.2 2", "commit 2 6 2 1.2 1.3"));
        assertFalse(c.ok());
        assertTrue(c.violations().get(0).contains("stale holder"), c.violations().toString());
    }

    @Test
    void rejectsAndTornLinesAreViolations() {
        assertFalse(CounterLog.check(List.of("begin 1 1 1.0 1", "reject 1 1 1.1 stale-token-after-1")).ok());
        CounterLog.Check torn = CounterLog.check(List.of("begin 1 1 1.0 1", "commit 1 1"));
        assertTrue(torn.violations().get(0).contains("malformed"), torn.violations().toString());
    }

    @Test
    void failoverIsMeasuredOnlyWhenTheKilledHostWasInside() {
        List<CounterLog.Line> lines = CounterLog.check(GOOD).lines();
        assertEquals(2100, CounterLog.failoverMs(lines, 1, 100_200));
        assertEquals(-1, CounterLog.failoverMs(lines, 2, 100_200), "host 2 was not inside at that time");
        assertEquals(-1, CounterLog.failoverMs(lines, 3, 102_330), "nobody began after host 3");
    }
}
