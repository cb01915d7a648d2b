package org.diskpaxos.lock.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseUnavailableException;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.api.StorageUnavailableException;

/**
 * What the in-process clients share (disk mode's {@code EmbeddedLeaseClient}, active mode's
 * {@code ActiveLeaseClient}): the blocking and asynchronous acquire calls on top of one asynchronous attempt, and the
 * watchdog thread that checks held leases against their deadlines independently of the event loop, so a lease turns
 * LOST on time (and the JVM halts if so configured) even if the loop is stuck.
 */
public abstract class LeaseClientBase implements LeaseClient {

    /** How one acquire attempt ended: a lease, busy (with the holder), or failed. */
    protected record Attempt(Lease lease, String busy, long ownerHostId, String failure) {
        public static Attempt acquired(Lease lease) {
            return new Attempt(lease, null, 0, null);
        }

        public static Attempt busy(String message, long ownerHostId) {
            return new Attempt(null, message, ownerHostId, null);
        }

        public static Attempt failed(String message) {
            return new Attempt(null, null, 0, message);
        }
    }

    private Thread watchdog;
    private LeaseTimeouts timeouts;
    private Supplier<List<? extends Lease>> held = List::of;
    private volatile boolean closed;

    /** Leaves the lockspace on the client's loop; {@code done} gets null or why not. */
    protected abstract void leave(java.util.function.Consumer<String> done);

    /** Stops the loop and closes the storage (disks, agent connections). */
    protected abstract void closeStorage();

    /** Whether {@link #close()} or {@link #abandon()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    /**
     * Starts one acquire that waits up to {@code wait} for live holders; completes (on any thread) with its outcome.
     * Never blocks.
     */
    protected abstract CompletableFuture<Attempt> attempt(ResourceId resource, Duration wait, LeaseOptions options);

    @Override
    public Lease acquire(ResourceId resource, LeaseOptions options) throws InterruptedException, LeaseException {
        while (true) {
            Optional<Lease> lease = tryAcquire(resource, Duration.ofDays(1), options);
            if (lease.isPresent()) {
                return lease.get();
            }
        }
    }

    @Override
    public Optional<Lease> tryAcquire(ResourceId resource, Duration wait, LeaseOptions options)
            throws InterruptedException, LeaseException {
        CompletableFuture<Attempt> done = attempt(resource, wait, options);
        Attempt a;
        try {
            a = done.get();
        } catch (InterruptedException e) {
            done.thenAccept(LeaseClientBase::releaseIfAcquired);
            throw e;
        } catch (ExecutionException e) {
            throw new LeaseException(String.valueOf(e.getCause()), e.getCause());
        }
        if (a.lease() != null) {
            return Optional.of(a.lease());
        }
        if (a.busy() != null) {
            return Optional.empty();
        }
        throw new StorageUnavailableException(a.failure());
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(ResourceId resource, LeaseOptions options) {
        CompletableFuture<Lease> out = new CompletableFuture<>();
        attempt(resource, Duration.ofDays(1), options).thenAccept(a -> {
            if (a.lease() != null) {
                if (!out.complete(a.lease())) {
                    a.lease().releaseAsync();
                }
            } else if (a.busy() != null) {
                out.completeExceptionally(new LeaseUnavailableException(a.busy(), a.ownerHostId()));
            } else {
                out.completeExceptionally(new StorageUnavailableException(a.failure()));
            }
        });
        return out;
    }

    private static void releaseIfAcquired(Attempt a) {
        if (a.lease() != null) {
            a.lease().releaseAsync();
        }
    }

    /**
     * Starts the watchdog: every {@code ioTimeout / 8} (at least 1 ms) it asks each lease in {@code held} for its
     * state. {@code held} is also what {@link #close()} releases.
     */
    protected final void startWatchdog(String name, LeaseTimeouts timeouts, Supplier<List<? extends Lease>> held) {
        this.timeouts = timeouts;
        this.held = held;
        long periodNs = Math.max(1_000_000L, timeouts.ioTimeoutNs() / 8);
        watchdog = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (Lease lease : held.get()) {
                    lease.state();
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(periodNs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * Stops renewing and closes the storage without releasing any lease or leaving: the leases and the host id then
     * expire on their own, as after a crash. For a daemon whose lease holders could not be stopped.
     */
    public void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        stopWatchdog();
        closeStorage();
    }

    /** Releases every held lease, leaves the lockspace (best effort, a few I/O timeouts), and closes the storage. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopWatchdog();
        for (Lease lease : held.get()) {
            lease.release();
        }
        CompletableFuture<String> left = new CompletableFuture<>();
        leave(left::complete);
        try {
            left.get(4 * timeouts.ioTimeoutNs(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // leaving is best effort: the host id frees itself once its liveness record goes stale
        }
        closeStorage();
    }

    private void stopWatchdog() {
        if (watchdog != null) {
            watchdog.interrupt();
        }
    }
}
