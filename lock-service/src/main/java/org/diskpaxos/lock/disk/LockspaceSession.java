package org.diskpaxos.lock.disk;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.paxos.disk.DiskPaxosResource;

/**
 * A joined lockspace as one process uses it: its {@link Lockspace} membership, the exclusive {@link ResourceLeases}
 * it holds, and the {@link HeldLease} objects handed to users. Everything but the {@code HeldLease} getters runs on
 * the lockspace's event loop; the same code serves the embedded client (a real thread and real disks) and the
 * simulator (a simulated host's loop and disks).
 *
 * <p>One process holds a resource at most once: a second acquire of a resource this process holds fails at once
 * instead of deciding a new lease version against itself.
 */
public final class LockspaceSession {

    /** Finds a resource's lease area by name (the lockspace's resource index, or a fixed map in tests). */
    @FunctionalInterface
    public interface ResourceResolver {
        /** Calls {@code done} on the loop with the area, or null and a message naming the problem. */
        void resolve(String resourceName, java.util.function.BiConsumer<DiskPaxosResource, String> done);
    }

    /** How an acquire ended. */
    public sealed interface AcquireResult {
        record Acquired(HeldLease lease) implements AcquireResult {
        }

        record Busy(String message, long ownerHostId) implements AcquireResult {
        }

        record Failed(String message) implements AcquireResult {
        }
    }

    private final Lockspace lockspace;
    private final ResourceLeases leases;
    private final ResourceResolver resolver;
    private final Map<String, HeldLease> held = new java.util.concurrent.ConcurrentHashMap<>();

    public LockspaceSession(Lockspace lockspace, ResourceResolver resolver) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
        this.leases = new ResourceLeases(lockspace);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        lockspace.onLost(reason -> {
            for (HeldLease l : Map.copyOf(held).values()) {
                l.markLost("membership of lockspace '" + lockspace.lockspaceName() + "' lost: " + reason);
            }
        });
    }

    public Lockspace lockspace() {
        return lockspace;
    }

    public EventLoop loop() {
        return lockspace.loop();
    }

    /** Leases this process holds now, by resource name. On the loop. */
    public Map<String, HeldLease> held() {
        return Map.copyOf(held);
    }

    /** The leases held now; safe from any thread (for watchdogs that must not depend on the loop). */
    public java.util.List<HeldLease> heldSnapshot() {
        return java.util.List.copyOf(held.values());
    }

    /** Acquires {@code resource} exclusively, waiting for a live holder's release until {@code deadlineNs}. On the loop. */
    public void acquire(ResourceId resource, LeaseOptions options, long deadlineNs, Consumer<AcquireResult> done) {
        if (!resource.lockspace().equals(lockspace.lockspaceName())) {
            done.accept(new AcquireResult.Failed("resource " + resource + " is not in lockspace '"
                    + lockspace.lockspaceName() + "'"));
            return;
        }
        if (options.mode() != LeaseMode.EXCLUSIVE) {
            done.accept(new AcquireResult.Failed("shared leases are not supported yet: " + resource));
            return;
        }
        if (held.containsKey(resource.resource())) {
            done.accept(new AcquireResult.Failed("this process already holds " + resource));
            return;
        }
        resolver.resolve(resource.resource(), (area, problem) -> {
            if (area == null) {
                done.accept(new AcquireResult.Failed(problem));
                return;
            }
            leases.acquire(area, deadlineNs, outcome -> {
                if (outcome instanceof ResourceLeases.Outcome.Held h) {
                    if (lockspace.state() != Lockspace.State.JOINED) {
                        done.accept(new AcquireResult.Failed("acquired " + resource + " but the host's membership "
                                + "lapsed meanwhile"));
                        return;
                    }
                    HeldLease lease = new HeldLease(this, resource, area, h.lver(), h.leader(), options);
                    held.put(resource.resource(), lease);
                    scheduleDeadlineCheck(lease);
                    done.accept(new AcquireResult.Acquired(lease));
                } else if (outcome instanceof ResourceLeases.Outcome.Busy b) {
                    done.accept(new AcquireResult.Busy(resource + " is held by host " + b.ownerHostId() + " ('"
                            + b.ownerName() + "') at lease version " + b.lver(), b.ownerHostId()));
                } else {
                    done.accept(new AcquireResult.Failed(resource + ": "
                            + ((ResourceLeases.Outcome.Failed) outcome).reason()));
                }
            });
        });
    }

    /** Re-checks a held lease when its validity may have run out, even if nobody asks for its state. */
    private void scheduleDeadlineCheck(HeldLease lease) {
        long delay = Math.max(0, lockspace.validUntilNs() - lockspace.loop().nowNs());
        lockspace.loop().schedule(delay, () -> {
            if (lease.state() == LeaseState.HELD || lease.state() == LeaseState.SUSPECT) {
                scheduleDeadlineCheck(lease);
            }
        });
    }

    /** Releases {@code lease} on disk; {@code done} gets the result. On the loop. */
    void release(HeldLease lease, Consumer<ReleaseResult> done) {
        held.remove(lease.resource().resource(), lease);
        leases.release(lease.area(), lease.leader, failure -> done.accept(failure == null ? ReleaseResult.RELEASED
                : ReleaseResult.RELEASED_LOCALLY));
    }

    void forget(HeldLease lease) {
        held.remove(lease.resource().resource(), lease);
    }

    /**
     * One held lease. Its state follows the lockspace's validity deadline on the loop's clock, read without the
     * loop, so a stuck or paused loop cannot keep it HELD past its deadline.
     */
    public static final class HeldLease implements org.diskpaxos.lock.api.Lease {
        private final LockspaceSession session;
        private final ResourceId resource;
        private final DiskPaxosResource area;
        private final long fence;
        private final org.diskpaxos.paxos.ondisk.LeaderRecord leader;
        private final LeaseOptions options;
        private final CompletableFuture<String> lost = new CompletableFuture<>();
        private volatile boolean released;

        HeldLease(LockspaceSession session, ResourceId resource, DiskPaxosResource area, long fence,
                  org.diskpaxos.paxos.ondisk.LeaderRecord leader, LeaseOptions options) {
            this.session = session;
            this.resource = resource;
            this.area = area;
            this.fence = fence;
            this.leader = leader;
            this.options = options;
        }

        DiskPaxosResource area() {
            return area;
        }

        @Override
        public ResourceId resource() {
            return resource;
        }

        @Override
        public LeaseMode mode() {
            return options.mode();
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
            Lockspace ls = session.lockspace;
            long now = ls.loop().nowNs();
            if (now >= ls.validUntilNs() || ls.state() == Lockspace.State.LOST) {
                markLost(ls.lostReason() != null ? ls.lostReason()
                        : "the host's liveness lease was not renewed in time (deadline passed)");
                return LeaseState.LOST;
            }
            return ls.suspect() ? LeaseState.SUSPECT : LeaseState.HELD;
        }

        @Override
        public long validUntilNanos() {
            return session.lockspace.validUntilNs();
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

        void markLost(String reason) {
            if (!released && lost.complete(reason)) {
                session.loop().execute(() -> session.forget(this));
                if (options.onLoss() == LeaseOptions.OnLoss.HALT_JVM) {
                    System.err.println("dplock: lease " + resource + " (fence " + fence + ") lost: " + reason
                            + "; halting the JVM as configured");
                    Runtime.getRuntime().halt(3);
                }
            }
        }

        /** Releases asynchronously; completes on the loop. */
        @Override
        public CompletableFuture<ReleaseResult> releaseAsync() {
            CompletableFuture<ReleaseResult> result = new CompletableFuture<>();
            if (released) {
                result.complete(ReleaseResult.ALREADY_RELEASED);
                return result;
            }
            if (state() == LeaseState.LOST) {
                result.complete(ReleaseResult.ALREADY_LOST);
                return result;
            }
            released = true;
            session.loop().execute(() -> session.release(this, result::complete));
            return result;
        }

        @Override
        public ReleaseResult release() {
            CompletableFuture<ReleaseResult> f = releaseAsync();
            long waitNs = 4 * session.lockspace.timeouts().ioTimeoutNs();
            try {
                return f.get(waitNs, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ReleaseResult.RELEASED_LOCALLY;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
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
}
