package org.diskpaxos.activedisk.inhost;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.MappedBytesStore;

/**
 * A lock word in shared memory, taken with one compare-and-swap: 0 is free, anything else is the holder's token:
 * its process id (high 32 bits) and the low 32 bits of the process's start time in milliseconds, so a recycled pid
 * is not taken for the old process. Threads of one process share a token; the CAS still excludes them from each
 * other. A waiter that has waited {@value #LIVENESS_CHECK_AFTER_MS} ms checks every so often whether the holder
 * still exists, and if not takes the lock over with a CAS from the dead holder's token (a dead process never writes
 * again). Living holders are never overridden: a waiter gives up at its deadline instead.
 */
final class ProcessLock {
    static final long LIVENESS_CHECK_AFTER_MS = 2;
    static final long TOKEN = token(ProcessHandle.current());

    final AtomicLong acquisitions = new AtomicLong();
    final AtomicLong contended = new AtomicLong();
    final AtomicLong steals = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();

    static long token(ProcessHandle h) {
        long start = h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        return (h.pid() << 32) | (start & 0xFFFF_FFFFL);
    }

    /** Whether the process a token names is still running (same pid and start time). */
    static boolean alive(long token) {
        Optional<ProcessHandle> h = ProcessHandle.of(token >>> 32);
        return h.isPresent() && h.get().isAlive() && token(h.get()) == token;
    }

    /** Takes the lock at {@code offset}; false once {@code deadlineNs} ({@link System#nanoTime()}) has passed. */
    boolean acquire(MappedBytesStore store, long offset, long deadlineNs) {
        long startNs = System.nanoTime();
        long nextCheckNs = startNs + TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_AFTER_MS);
        for (int spins = 0; ; spins++) {
            long v = store.readVolatileLong(offset);
            if (v == 0) {
                if (store.compareAndSwapLong(offset, 0, TOKEN)) {
                    acquisitions.incrementAndGet();
                    if (spins > 0) {
                        contended.incrementAndGet();
                    }
                    return true;
                }
                continue;
            }
            long now = System.nanoTime();
            if (v != TOKEN && now - nextCheckNs > 0) {
                nextCheckNs = now + TimeUnit.MILLISECONDS.toNanos(LIVENESS_CHECK_AFTER_MS);
                if (!alive(v) && store.compareAndSwapLong(offset, v, TOKEN)) {
                    acquisitions.incrementAndGet();
                    steals.incrementAndGet();
                    return true;
                }
            }
            if (now - deadlineNs > 0) {
                timeouts.incrementAndGet();
                return false;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else if (spins < 1000) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    void release(MappedBytesStore store, long offset) {
        if (!store.compareAndSwapLong(offset, TOKEN, 0)) {
            throw new IllegalStateException("in-host lock at offset " + offset + " was not held by this process "
                    + "when released (found 0x" + Long.toHexString(store.readVolatileLong(offset)) + ")");
        }
    }
}
