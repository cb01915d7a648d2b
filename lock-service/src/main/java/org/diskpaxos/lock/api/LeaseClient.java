package org.diskpaxos.lock.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Acquires resource leases for this process: embedded (the process joins the lockspace itself) or through the
 * local lock daemon. One client per process and lockspace membership.
 *
 * <pre>{@code
 * try (LeaseClient client = EmbeddedLeaseClient.open(config)) {     // joins the lockspace
 *     ResourceId db = ResourceId.parse("vms/db");
 *
 *     // Wait as long as it takes:
 *     try (Lease lease = client.acquire(db, LeaseOptions.EXCLUSIVE)) {
 *         lease.checkValid();
 *         storage.write(record, lease.fence());                    // storage refuses older tokens
 *     }
 *
 *     // Or give up after a while (empty: a live host kept it all that time):
 *     Optional<Lease> maybe = client.tryAcquire(db, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE);
 *
 *     // Or without blocking a thread; cancelling the future abandons the wait:
 *     client.acquireAsync(db, LeaseOptions.EXCLUSIVE.haltOnLoss())
 *           .thenAccept(lease -> { ...; lease.release(); });
 * }
 * }</pre>
 * A complete program: {@code org.diskpaxos.lock.example.EmbeddedExample} ({@code ./dplock example}).
 */
public interface LeaseClient extends AutoCloseable {

    /** Acquires the lease, waiting as long as it takes (interruptibly). */
    Lease acquire(ResourceId resource, LeaseOptions options) throws InterruptedException, LeaseException;

    /**
     * Acquires the lease if it can be had within {@code wait}; empty if a live host holds it all that time.
     *
     * @throws LeaseException for anything but contention: a wrong area, unavailable disks, no membership
     */
    Optional<Lease> tryAcquire(ResourceId resource, Duration wait, LeaseOptions options)
            throws InterruptedException, LeaseException;

    /** Acquires the lease asynchronously; cancelling the future abandons the wait (releasing it if won meanwhile). */
    CompletableFuture<Lease> acquireAsync(ResourceId resource, LeaseOptions options);

    /** Releases every lease and leaves the lockspace. */
    @Override
    void close();
}
