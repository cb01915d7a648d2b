package org.diskpaxos.lock.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;

/**
 * A held lease whose validity is its host's membership (disk mode's delta lease or active mode's heartbeat): what
 * both modes' leases share. The state is computed from the membership on the caller's thread, against the loop's
 * monotonic clock, so a stuck or paused loop cannot keep a lease HELD past its deadline: SUSPECT while a renewal is
 * overdue, LOST once the membership's validity has passed or it was lost, or on {@link #markLost}. Releasing is
 * idempotent and never throws for a lost lease.
 */
public abstract class MembershipLease implements Lease {
    private final Membership membership;
    private final ResourceId resource;
    private final long fence;
    private final LeaseOptions options;
    private final long releaseWaitNs;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private final CompletableFuture<RequestMode> requested = new CompletableFuture<>();
    private volatile boolean released;

    /** @param releaseWaitNs how long {@link #release()} blocks for the storage before answering RELEASED_LOCALLY */
    protected MembershipLease(Membership membership, ResourceId resource, long fence, LeaseOptions options,
            long releaseWaitNs) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.fence = fence;
        this.options = Objects.requireNonNull(options, "options");
        this.releaseWaitNs = releaseWaitNs;
    }

    /** Releases the lease on its storage; completes {@code result}. On any thread; the lease is marked released. */
    protected abstract void releaseOnStorage(CompletableFuture<ReleaseResult> result);

    /** The lease was lost while held: forget it (it is no longer the session's to renew or release). */
    protected abstract void forget();

    /** A FORCE request made the lease LOST: free it on the storage, as the holder's death would. */
    protected abstract void releaseForced(long requestLver);

    /** The largest lock value block {@link #setLvb} takes. */
    public abstract int lvbCapacityBytes();

    /** {@link #lvb()} without blocking; completes on the lease's event loop. Use this on the loop itself. */
    public abstract CompletableFuture<byte[]> lvbAsync();

    /** The user releases a lease that was lost before: drop what the session still keeps of it. */
    protected void releasedAfterLoss() {
    }

    @Override
    public ResourceId resource() {
        return resource;
    }

    @Override
    public LeaseMode mode() {
        return options.mode();
    }

    public LeaseOptions options() {
        return options;
    }

    @Override
    public long fence() {
        return fence;
    }

    @Override
    public LeaseState state() {
        if (released) {
            return LeaseState.RELEASED;
        }
        if (lost.isDone()) {
            return LeaseState.LOST;
        }
        String lostReason = membership.lostReason();
        if (membership.loop().nowNs() >= membership.validUntilNs() || lostReason != null) {
            markLost(lostReason != null ? lostReason
                    : "the host's liveness lease was not renewed in time (deadline passed)");
            return LeaseState.LOST;
        }
        return membership.suspect() ? LeaseState.SUSPECT : LeaseState.HELD;
    }

    /** Whether the user released it (RELEASED), whatever happened before. */
    protected boolean released() {
        return released;
    }

    @Override
    public long validUntilNanos() {
        return membership.validUntilNs();
    }

    @Override
    public void checkValid() throws LeaseLostException {
        LeaseState s = state();
        if (s == LeaseState.LOST || s == LeaseState.RELEASED) {
            throw new LeaseLostException(resource + " (fence " + fence + ") is " + s
                    + (s == LeaseState.LOST ? ": " + lost.getNow("lost") : ""));
        }
    }

    @Override
    public CompletableFuture<String> lost() {
        return lost;
    }

    @Override
    public CompletableFuture<RequestMode> requested() {
        return requested;
    }

    /** Makes the lease LOST for {@code reason} (once; not after a release), and halts the JVM if so configured. */
    public void markLost(String reason) {
        if (!released && lost.complete(reason)) {
            forget();
            if (options.onLoss() == LeaseOptions.OnLoss.HALT_JVM) {
                System.err.println("dplock: lease " + resource + " (fence " + fence + ") lost: " + reason
                        + "; halting the JVM as configured");
                Runtime.getRuntime().halt(3);
            }
        }
    }

    /** Another host asked for the resource at version {@code lver} (above ours). */
    public void onRequested(RequestMode mode, long lver) {
        if (released || lost.isDone() || !requested.complete(mode)) {
            return;
        }
        if (mode == RequestMode.FORCE) {
            markLost("another host asked for a forced release (request at lease version " + lver + ")");
            releaseForced(lver);
        }
    }

    @Override
    public CompletableFuture<ReleaseResult> releaseAsync() {
        CompletableFuture<ReleaseResult> result = new CompletableFuture<>();
        if (released) {
            result.complete(ReleaseResult.ALREADY_RELEASED);
            return result;
        }
        if (state() == LeaseState.LOST) {
            releasedAfterLoss();
            result.complete(ReleaseResult.ALREADY_LOST);
            return result;
        }
        released = true;
        releaseOnStorage(result);
        return result;
    }

    @Override
    public ReleaseResult release() {
        CompletableFuture<ReleaseResult> f = releaseAsync();
        try {
            return f.get(releaseWaitNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReleaseResult.RELEASED_LOCALLY;
        } catch (ExecutionException | TimeoutException e) {
            return ReleaseResult.RELEASED_LOCALLY;
        }
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "lease " + sequencer() + " " + state();
    }
}
