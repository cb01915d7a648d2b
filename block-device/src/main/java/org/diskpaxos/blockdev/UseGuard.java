package org.diskpaxos.blockdev;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls using a resource so that closing it never frees memory or a descriptor under a running call:
 * {@link #close(Runnable)} runs the closer at once when idle, else the last {@link #exit()} runs it.
 *
 * <p>Invariant: the closer runs exactly once, after every successful {@link #enter()} has been matched by an
 * {@link #exit()}, and no {@code enter()} succeeds after {@code close}.
 */
final class UseGuard {
    private static final int CLOSED = 1 << 30;
    /** Calls in progress: bounded far below the CLOSED bit. */
    private static final int MAX_USERS = 1 << 20;

    private final AtomicInteger state = new AtomicInteger();
    private volatile Runnable closer;

    /** Registers a call; false when the resource is closed. */
    boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (s >= MAX_USERS) {
                throw new IllegalStateException("more than " + MAX_USERS + " concurrent calls on one device");
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            closer.run();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Marks closed; runs {@code onIdle} now if no call is in progress. Returns false if already closed. */
    boolean close(Runnable onIdle) {
        closer = onIdle;
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    onIdle.run();
                }
                return true;
            }
        }
    }
}
