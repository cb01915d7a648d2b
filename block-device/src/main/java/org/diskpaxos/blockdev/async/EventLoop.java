package org.diskpaxos.blockdev.async;

/**
 * Where a component's callbacks and timers run: one task at a time, in submission order, never concurrently.
 *
 * <p>Production code uses {@link ThreadedEventLoop}, backed by one thread and {@link System#nanoTime()}. The simulator
 * provides one per simulated host, driven by its virtual-time scheduler and the host's own (drifting, pausable)
 * clock, so the same driver code runs in both.
 */
public interface EventLoop {

    /** This loop's monotonic clock in nanoseconds; only differences are meaningful. */
    long nowNs();

    /** Runs {@code task} on this loop after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on this loop once {@code delayNs} nanoseconds of {@link #nowNs()} have passed. */
    Scheduled schedule(long delayNs, Runnable task);

    /** A pending timer. */
    interface Scheduled {
        /** Stops the timer if it has not run; returns whether it was stopped. Safe to call more than once. */
        boolean cancel();
    }
}
