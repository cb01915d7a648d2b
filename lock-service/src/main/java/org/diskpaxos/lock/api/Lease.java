package org.diskpaxos.lock.api;

import java.util.concurrent.CompletableFuture;

/**
 * A held resource lease. Not bound to a thread: any thread may check or release it. Not reentrant.
 *
 * <pre>{@code
 * try (Lease lease = client.acquire(ResourceId.parse("vms/disk-17"), LeaseOptions.EXCLUSIVE)) {
 *     long token = lease.fence();          // pass it to storage that rejects older tokens
 *     lease.lost().thenRun(worker::stop);  // react if the lease is lost
 *     lease.checkValid();                  // before each side effect
 *     storage.write(data, token);
 * }                                        // released here, even if it was lost meanwhile
 * }</pre>
 *
 * <p>Validity is local: the lease turns SUSPECT and then LOST on this process's own monotonic clock (see
 * {@link #validUntilNanos()}), even if the thread renewing the host's liveness lease is stuck. Because a process
 * can pause at any moment (GC, SIGSTOP), only the fencing token protects against a holder acting late.
 */
public interface Lease extends AutoCloseable {

    ResourceId resource();

    LeaseMode mode();

    /** The fencing token: the lease version, strictly increasing per resource, never reused. */
    long fence();

    /** A Chubby-style sequencer, {@code lockspace/resource:mode:fence}, for storage that checks tokens. */
    default String sequencer() {
        return resource() + ":" + (mode() == LeaseMode.EXCLUSIVE ? "ex" : "sh") + ":" + fence();
    }

    /** The state now. */
    LeaseState state();

    /** Until when the lease is valid, on {@link System#nanoTime()}'s clock; it may move later as renewals succeed. */
    long validUntilNanos();

    /** Throws if the lease is not valid now (LOST, or RELEASED). */
    void checkValid() throws LeaseLostException;

    /** Completes, once, with the reason when the lease is lost while held; never completes if it is released first. */
    CompletableFuture<String> lost();

    /** Releases the lease; idempotent, never throws for a lost lease. */
    ReleaseResult release();

    /** Releases the lease without blocking the caller; completes with what {@link #release()} returns. */
    CompletableFuture<ReleaseResult> releaseAsync();

    /** Same as {@link #release()}. */
    @Override
    void close();
}
