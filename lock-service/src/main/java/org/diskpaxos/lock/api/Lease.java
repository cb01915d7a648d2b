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

    /** The resource this lease is on. */
    ResourceId resource();

    /**
     * Exclusive or shared, as acquired. A shared lease may be held by several hosts at once, never alongside an
     * exclusive one; its {@link #fence()} is above every exclusive token granted before it.
     */
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

    /**
     * Completes, once, when another host asks for this lease ({@link LeaseClient#request}): with
     * {@link RequestMode#GRACEFUL} the holder should release it when it can; with {@link RequestMode#FORCE} the lease
     * has also turned LOST. Never completes for a client that does not deliver requests (the default).
     */
    default CompletableFuture<RequestMode> requested() {
        return new CompletableFuture<>();
    }

    /**
     * The resource's lock value block: the value the last exclusive holder left with {@link #setLvb} (or, once this
     * holder has set one, that value); empty if none was ever written. Read from the disks on the first call, which
     * may block for a few I/Os.
     *
     * @throws LeaseLostException if the lease is no longer valid
     * @throws LeaseException     if the block is damaged or unreadable on a majority of disks (the message names
     *                            them), or this client does not support lock value blocks (the default)
     */
    default byte[] lvb() throws LeaseException {
        throw new LeaseException(resource() + ": this lease client does not support lock value blocks");
    }

    /**
     * Sets the lock value block that {@link #release()} writes before it frees the lease, for the next holder. Only
     * an exclusive holder writes it (as in sanlock).
     *
     * @throws IllegalArgumentException if {@code value} is larger than the block holds (sector size minus 32 bytes)
     * @throws IllegalStateException    if the lease is shared, released or lost
     * @throws UnsupportedOperationException if this client does not support lock value blocks (the default)
     */
    default void setLvb(byte[] value) {
        throw new UnsupportedOperationException(resource() + ": this lease client does not support lock value blocks");
    }

    /** Releases the lease; idempotent, never throws for a lost lease. */
    ReleaseResult release();

    /** Releases the lease without blocking the caller; completes with what {@link #release()} returns. */
    CompletableFuture<ReleaseResult> releaseAsync();

    /** Same as {@link #release()}. */
    @Override
    void close();
}
