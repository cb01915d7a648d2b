package org.diskpaxos.sim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.sim.Prng;
import org.junit.jupiter.api.Test;

/**
 * Virtual time never goes backwards: events run in (time, scheduling order), cancelled events never run, and an
 * event can never be scheduled in the past, however events schedule and cancel each other.
 */
class SchedulerTest {

    private final Scheduler scheduler = new Scheduler(new EventTrace());

    @Test
    void eventsAtTheSameInstantRunInSchedulingOrder() {
        List<String> ran = new ArrayList<>();
        scheduler.at(10, () -> ran.add("b"));
        scheduler.at(5, () -> ran.add("a"));
        scheduler.at(10, () -> ran.add("c"));
        while (scheduler.runNext(Long.MAX_VALUE)) {
            assertTrue(scheduler.nowNs() == 5 || scheduler.nowNs() == 10);
        }
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals(10, scheduler.nowNs());
        assertEquals(3, scheduler.executedCount());
    }

    @Test
    void cancelledEventNeverRunsAndLeavesTheQueue() {
        List<String> ran = new ArrayList<>();
        Event e = scheduler.at(10, () -> ran.add("x"));
        scheduler.at(20, () -> ran.add("y"));
        assertTrue(e.cancel());
        assertFalse(e.cancel());
        assertEquals(1, scheduler.pendingCount());
        while (scheduler.runNext(Long.MAX_VALUE)) {
            assertEquals(20, scheduler.nowNs());
        }
        assertEquals(List.of("y"), ran);
    }

    @Test
    void eventsDueNowKeepSchedulingOrderWithEarlierOnesAndCanBeCancelled() {
        List<String> ran = new ArrayList<>();
        scheduler.at(10, () -> {
            ran.add("a");
            scheduler.at(10, () -> ran.add("d")); // due now: after b and c, which were scheduled earlier
            Event cancelled = scheduler.at(10, () -> ran.add("never"));
            assertTrue(cancelled.cancel());
            assertFalse(cancelled.cancel());
        });
        scheduler.at(10, () -> ran.add("b"));
        scheduler.at(10, () -> ran.add("c"));
        scheduler.at(11, () -> ran.add("e"));
        while (scheduler.runNext(Long.MAX_VALUE)) {
            continue;
        }
        assertEquals(List.of("a", "b", "c", "d", "e"), ran);
        assertEquals(0, scheduler.pendingCount());
    }

    @Test
    void schedulingInThePastIsRefused() {
        scheduler.at(100, () -> assertThrows(IllegalArgumentException.class, () -> scheduler.at(99, () -> { })));
        assertTrue(scheduler.runNext(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> scheduler.advanceTo(50));
    }

    @Test
    void runNextStopsAtTheHorizon() {
        scheduler.at(100, () -> { });
        assertFalse(scheduler.runNext(99));
        assertEquals(0, scheduler.nowNs());
        scheduler.advanceTo(99);
        assertThrows(IllegalStateException.class, () -> scheduler.advanceTo(200));
    }

    @Test
    void afterSaturatesInsteadOfOverflowing() {
        scheduler.at(10, () -> scheduler.after(Long.MAX_VALUE, () -> { }));
        scheduler.runNext(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, scheduler.nextEventTimeNs());
    }

    /** Random programs where events schedule and cancel others: time never decreases, order is (time, seq). */
    @Test
    void virtualTimeNeverGoesBackwards() {
        qt().withExamples(200).withFixedSeed(3)
                .forAll(lists().of(integers().between(0, 1_000)).ofSizeBetween(1, 60), integers().all())
                .check((delays, seed) -> {
                    Scheduler s = new Scheduler(new EventTrace());
                    Prng prng = new Prng(seed);
                    List<Event> all = new ArrayList<>();
                    List<long[]> ran = new ArrayList<>();
                    for (int d : delays) {
                        all.add(s.at(d, () -> chain(s, prng, all, ran, 3)));
                    }
                    while (s.runNext(Long.MAX_VALUE)) {
                        ran.add(new long[] {s.nowNs()});
                    }
                    for (int i = 1; i < ran.size(); i++) {
                        if (ran.get(i)[0] < ran.get(i - 1)[0]) {
                            return false;
                        }
                    }
                    return s.pendingCount() == 0;
                });
    }

    private static void chain(Scheduler s, Prng prng, List<Event> all, List<long[]> ran, int depth) {
        if (depth == 0) {
            return;
        }
        if (!all.isEmpty() && prng.chance(0.3)) {
            all.get(prng.nextInt(all.size())).cancel();
        }
        if (prng.chance(0.6)) {
            all.add(s.after(prng.nextInt(50), () -> chain(s, prng, all, ran, depth - 1)));
        }
    }
}
