package org.diskpaxos.lock.daemon;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;

/**
 * Rejoins a lockspace whose membership this daemon lost (its disks failed or stalled past the lease time, or the
 * daemon was paused), so that the host serves that lockspace again once its storage is back, without an operator
 * (sanlock users restart daemons by hand for this: sanlock.md §5, item 5).
 *
 * <p>Safety does not rest on this class: it waits {@code killGrace + ioTimeout} after the loss, so the holders of the
 * lost leases have been sent SIGKILL, and then joins like a restarted daemon does ({@code Lockspace}): on the same
 * host id, a new generation, only once the previous incarnation's leases are provably over. Leases of the old
 * generation are then stale: the daemon's validity file gives their holders deadline 0. Attempts that fail (disks
 * still unreadable) are retried with a growing pause, up to {@link #PAUSE_MAX_NS}; each failure is logged with its
 * reason.
 */
final class Rejoin implements Runnable {

    /** The longest pause between attempts. */
    static final long PAUSE_MAX_NS = TimeUnit.SECONDS.toNanos(30);

    /** Opens a new membership; throws with the reason it could not. */
    interface Opener {
        EmbeddedLeaseClient open() throws Exception;
    }

    private final String lockspace;
    private final LeaseTimeouts timeouts;
    private final Opener opener;
    private final Consumer<EmbeddedLeaseClient> joined;
    private final DaemonLog log;
    private volatile boolean cancelled;
    private volatile int attempts;
    private volatile String lastFailure;

    Rejoin(String lockspace, LeaseTimeouts timeouts, Opener opener, Consumer<EmbeddedLeaseClient> joined,
           DaemonLog log) {
        this.lockspace = lockspace;
        this.timeouts = timeouts;
        this.opener = opener;
        this.joined = joined;
        this.log = log;
    }

    @Override
    public void run() {
        long pauseNs = timeouts.killGraceNs() + timeouts.ioTimeoutNs();
        long backoffNs = Math.max(TimeUnit.SECONDS.toNanos(1), 2 * timeouts.ioTimeoutNs());
        while (!cancelled) {
            try {
                TimeUnit.NANOSECONDS.sleep(pauseNs);
            } catch (InterruptedException e) {
                return;
            }
            if (cancelled) {
                return;
            }
            attempts++;
            long t0 = System.nanoTime();
            try {
                EmbeddedLeaseClient client = opener.open();
                if (cancelled) {
                    client.close();
                    return;
                }
                log.info("rejoined", "lockspace", lockspace, "generation", String.valueOf(client.generation()),
                        "attempt", String.valueOf(attempts), "join_ms",
                        String.valueOf((System.nanoTime() - t0) / 1_000_000));
                joined.accept(client);
                return;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                lastFailure = String.valueOf(e.getMessage());
                log.warn("rejoin-failed", "lockspace", lockspace, "attempt", String.valueOf(attempts), "why",
                        lastFailure, "next_in_ms", String.valueOf(backoffNs / 1_000_000));
                pauseNs = backoffNs;
                backoffNs = Math.min(PAUSE_MAX_NS, 2 * backoffNs);
            }
        }
    }

    void cancel() {
        cancelled = true;
    }

    /** For status: attempts so far and the last failure. */
    String describe() {
        return "rejoining (" + attempts + " attempt(s) so far" + (lastFailure == null ? "" : "; last failure: "
                + lastFailure) + ")";
    }
}
