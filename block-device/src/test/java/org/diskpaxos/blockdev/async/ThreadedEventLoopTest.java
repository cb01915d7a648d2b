package org.diskpaxos.blockdev.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The threaded event loop runs tasks one at a time in order, fires timers no earlier than asked, and keeps its limits. */
class ThreadedEventLoopTest {

    @Test
    void tasksRunInSubmissionOrderOnTheLoopThread() throws InterruptedException {
        try (ThreadedEventLoop loop = new ThreadedEventLoop("order")) {
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> {
                    seen.add(n);
                    onLoop.add(loop.inLoop());
                });
            }
            assertTrue(loop.drain(10, TimeUnit.SECONDS));
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                expected.add(i);
            }
            assertEquals(expected, seen);
            assertFalse(onLoop.contains(false));
        }
    }

    @Test
    void timersFireAfterTheirDelayInDeadlineOrder() throws InterruptedException {
        try (ThreadedEventLoop loop = new ThreadedEventLoop("timers")) {
            List<String> fired = Collections.synchronizedList(new ArrayList<>());
            long[] firedAtNs = new long[1];
            CountDownLatch done = new CountDownLatch(3);
            long startNs = loop.nowNs();
            loop.schedule(60_000_000L, () -> {
                fired.add("60ms");
                firedAtNs[0] = loop.nowNs();
                done.countDown();
            });
            loop.schedule(20_000_000L, () -> {
                fired.add("20ms-a");
                done.countDown();
            });
            loop.schedule(20_000_000L, () -> {
                fired.add("20ms-b");
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("20ms-a", "20ms-b", "60ms"), fired);
            assertTrue(firedAtNs[0] - startNs >= 60_000_000L, "fired early: " + (firedAtNs[0] - startNs) + " ns");
        }
    }

    @Test
    void cancelledTimersNeverRun() throws InterruptedException {
        try (ThreadedEventLoop loop = new ThreadedEventLoop("cancel")) {
            CountDownLatch ran = new CountDownLatch(1);
            EventLoop.Scheduled s = loop.schedule(30_000_000L, ran::countDown);
            assertTrue(s.cancel());
            assertFalse(s.cancel());
            assertFalse(ran.await(100, TimeUnit.MILLISECONDS));
            CountDownLatch fired = new CountDownLatch(1);
            EventLoop.Scheduled t = loop.schedule(0, fired::countDown);
            assertTrue(fired.await(5, TimeUnit.SECONDS));
            assertTrue(loop.drain(5, TimeUnit.SECONDS));
            assertFalse(t.cancel(), "a fired timer cannot be cancelled");
        }
    }

    @Test
    void aFullQueueIsRefusedNamingTheLoop() throws InterruptedException {
        try (ThreadedEventLoop loop = new ThreadedEventLoop("tiny", 2)) {
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            loop.execute(() -> {
                running.countDown();
                try {
                    blocking.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            loop.execute(() -> { });
            loop.execute(() -> { });
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
            assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("full"), e.getMessage());
            blocking.countDown();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheLoopAndCloseRefusesNewWork() throws InterruptedException {
        ThreadedEventLoop loop = new ThreadedEventLoop("robust");
        loop.execute(() -> {
            throw new IllegalStateException("deliberate failure in a test task");
        });
        CountDownLatch after = new CountDownLatch(1);
        loop.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS));
        CountDownLatch queuedBeforeClose = new CountDownLatch(1);
        loop.execute(queuedBeforeClose::countDown);
        loop.close();
        assertTrue(queuedBeforeClose.await(5, TimeUnit.SECONDS), "tasks queued before close still run");
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(1, () -> { }));
    }
}
