package org.diskpaxos.blockdev.async;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link EventLoop} on one daemon thread with {@link System#nanoTime()} as its clock.
 *
 * <p>Tasks run one at a time, in the order {@link #execute} received them; a timer runs once its delay has passed,
 * timers with the same deadline in the order they were scheduled. Due timers run before queued tasks. A task that
 * throws is reported on {@code System.err} (with the loop's name) and the loop goes on.
 *
 * <p>Limits: at most {@code maxQueuedTasks} tasks and as many timers wait at once; beyond that {@code execute} and
 * {@code schedule} throw {@link RejectedExecutionException} naming the loop, which means it is stalled or
 * overloaded. After {@link #close()} the loop runs the tasks already queued, drops pending timers, and stops.
 */
public final class ThreadedEventLoop implements EventLoop, AutoCloseable {
    /** Default bound on queued tasks and on pending timers. */
    public static final int DEFAULT_MAX_QUEUED = 65_536;
    /** How long {@link #close()} waits for the loop thread to finish its queue. */
    static final long CLOSE_WAIT_MS = 5_000;

    private final String name;
    private final int maxQueued;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Thread thread;
    private long timerSequence;
    private boolean closing;

    public ThreadedEventLoop(String name) {
        this(name, DEFAULT_MAX_QUEUED);
    }

    public ThreadedEventLoop(String name, int maxQueued) {
        if (maxQueued < 1) {
            throw new IllegalArgumentException(name + ": maxQueued must be at least 1, got " + maxQueued);
        }
        this.name = name;
        this.maxQueued = maxQueued;
        this.thread = new Thread(this::runLoop, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public long nowNs() {
        return System.nanoTime();
    }

    /** Whether the caller is running on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            if (closing) {
                throw new RejectedExecutionException(name + ": event loop is closed");
            }
            if (tasks.size() >= maxQueued) {
                throw new RejectedExecutionException(name + ": event loop queue is full (" + maxQueued
                        + " tasks); the loop is stalled or overloaded");
            }
            tasks.addLast(task);
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Scheduled schedule(long delayNs, Runnable task) {
        lock.lock();
        try {
            if (closing) {
                throw new RejectedExecutionException(name + ": event loop is closed");
            }
            if (timers.size() >= maxQueued) {
                throw new RejectedExecutionException(name + ": " + maxQueued + " timers pending; the loop is "
                        + "stalled or overloaded");
            }
            Timer t = new Timer(System.nanoTime() + Math.max(0, delayNs), timerSequence++, task);
            timers.add(t);
            wake.signal();
            return t;
        } finally {
            lock.unlock();
        }
    }

    private void runLoop() {
        while (true) {
            Runnable next;
            lock.lock();
            try {
                next = nextTask();
                if (next == null) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                next.run();
            } catch (Throwable t) {
                System.err.println(name + ": event loop task failed: " + t);
                t.printStackTrace();
            }
        }
    }

    /** Called with the lock held: the next due timer or task, waiting for one; null once closed and drained. */
    private Runnable nextTask() {
        while (true) {
            Timer due = timers.peek();
            long now = System.nanoTime();
            if (due != null && !closing && due.deadlineNs - now <= 0) {
                timers.poll();
                if (due.cancelled) {
                    continue;
                }
                due.fired = true;
                return due.task;
            }
            if (!tasks.isEmpty()) {
                return tasks.pollFirst();
            }
            if (closing) {
                return null;
            }
            try {
                if (due == null) {
                    wake.await();
                } else {
                    wake.awaitNanos(due.deadlineNs - now);
                }
            } catch (InterruptedException e) {
                closing = true;
            }
        }
    }

    /** Stops accepting work, lets the queued tasks run, drops timers, and waits (bounded) for the thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            timers.clear();
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (!inLoop()) {
            try {
                thread.join(CLOSE_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ThreadedEventLoop[" + name + "]";
    }

    private final class Timer implements Scheduled, Comparable<Timer> {
        final long deadlineNs;
        final long sequence;
        final Runnable task;
        boolean cancelled;
        boolean fired;

        Timer(long deadlineNs, long sequence, Runnable task) {
            this.deadlineNs = deadlineNs;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                if (fired || cancelled) {
                    return false;
                }
                cancelled = true;
                timers.remove(this);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadlineNs - o.deadlineNs, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** Waits until the loop has run every task queued before this call; for tests and orderly shutdown. */
    public boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        execute(done::countDown);
        return done.await(timeout, unit);
    }
}
