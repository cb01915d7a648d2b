package org.diskpaxos.sim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * A simulated host's event loop runs tasks on its own clock: timers follow drift and steps, a paused host runs
 * nothing while its clock keeps going, and a crash drops everything queued on the dead incarnation.
 */
class SimHostTest {

    private final Scheduler scheduler = new Scheduler(new EventTrace());
    private final List<String> ran = new ArrayList<>();

    private SimHost host(long startHostNs, double driftPpm) {
        HostClock clock = new HostClock(0, startHostNs);
        clock.setDriftPpm(0, driftPpm);
        SimHost host = new SimHost(0, scheduler, clock);
        host.start();
        return host;
    }

    private void runAll() {
        while (scheduler.runNext(Long.MAX_VALUE)) {
            assertTrue(scheduler.executedCount() < 100_000);
        }
    }

    private void runUntil(long ns) {
        while (scheduler.runNext(ns)) {
            assertTrue(scheduler.executedCount() < 100_000);
        }
        scheduler.advanceTo(ns);
    }

    @Test
    void executeNeverRunsInsideTheCallAndKeepsOrder() {
        SimHost host = host(0, 0);
        EventLoop loop = host.loop();
        loop.execute(() -> ran.add("a"));
        loop.execute(() -> ran.add("b"));
        assertTrue(ran.isEmpty());
        runAll();
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void timerFiresWhenTheDriftingHostClockReachesItsDeadline() {
        SimHost host = host(1_000_000, 1_000); // 1000 ppm fast
        long[] firedAtTrue = new long[1];
        long[] firedAtHost = new long[1];
        host.loop().schedule(1_000_000, () -> {
            firedAtTrue[0] = scheduler.nowNs();
            firedAtHost[0] = host.loop().nowNs();
        });
        runAll();
        // The host clock runs 1.001x: 1 ms of host time passes in 999001 ns of true time.
        assertEquals(999_001, firedAtTrue[0]);
        assertTrue(firedAtHost[0] >= 2_000_000 && firedAtHost[0] <= 2_000_001, "host " + firedAtHost[0]);
    }

    @Test
    void driftChangeMovesPendingTimers() {
        SimHost host = host(0, 0);
        long[] firedAtTrue = new long[1];
        host.loop().schedule(2_000_000, () -> firedAtTrue[0] = scheduler.nowNs());
        runUntil(1_000_000);
        host.setDriftPpm(-500_000 + 1); // nearly half speed: the remaining 1 ms of host time takes ~2 ms
        runAll();
        assertTrue(firedAtTrue[0] > 2_999_000 && firedAtTrue[0] < 3_000_100, "fired at " + firedAtTrue[0]);
    }

    @Test
    void forwardStepMakesTimersDueAtOnce() {
        SimHost host = host(0, 0);
        long[] firedAtTrue = new long[1];
        host.loop().schedule(10_000_000, () -> firedAtTrue[0] = scheduler.nowNs());
        runUntil(1_000);
        host.stepClock(20_000_000);
        runAll();
        assertEquals(1_000, firedAtTrue[0]);
    }

    @Test
    void pausedHostRunsNothingWhileItsClockKeepsGoing() {
        SimHost host = host(0, 0);
        host.loop().schedule(1_000, () -> ran.add("early"));
        host.loop().schedule(5_000, () -> ran.add("late"));
        host.pause();
        runUntil(3_000);
        host.loop().execute(() -> ran.add("queued-while-paused"));
        runUntil(10_000);
        assertTrue(ran.isEmpty(), "ran while paused: " + ran);
        assertEquals(10_000, host.clockNs());
        host.resume();
        runAll();
        assertEquals(List.of("early", "queued-while-paused", "late"), ran);
        assertEquals(10_000, scheduler.nowNs());
    }

    @Test
    void crashDropsQueuedTasksAndLaterWork() {
        SimHost host = host(0, 0);
        HostEventLoop dead = host.loop();
        dead.schedule(1_000, () -> ran.add("timer"));
        dead.execute(() -> ran.add("task"));
        host.crash();
        assertFalse(dead.isAlive());
        assertFalse(dead.schedule(1, () -> ran.add("after")).cancel());
        dead.execute(() -> ran.add("after"));
        runAll();
        assertTrue(ran.isEmpty(), "ran after crash: " + ran);
        assertEquals(2, dead.droppedCount());
    }

    @Test
    void restartGivesAFreshLoopAndCallsTheStartListener() {
        SimHost host = new SimHost(3, scheduler, new HostClock(0, 0));
        host.setStartListener(h -> ran.add("start " + h.incarnation()));
        HostEventLoop first = host.start();
        runAll();
        host.crash();
        HostEventLoop second = host.restart();
        runAll();
        assertNotSame(first, second);
        assertEquals(List.of("start 1", "start 2"), ran);
        assertTrue(host.isAlive(2));
        assertFalse(host.isAlive(1));
    }

    @Test
    void cancelledTimerNeverRuns() {
        SimHost host = host(0, 0);
        EventLoop.Scheduled timer = host.loop().schedule(1_000, () -> ran.add("x"));
        assertTrue(timer.cancel());
        assertFalse(timer.cancel());
        runAll();
        assertTrue(ran.isEmpty());
        assertEquals(0, host.loop().queuedCount());
    }
}
