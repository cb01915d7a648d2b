package org.diskpaxos.lock.disk;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.disk.AreaRecords;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.ondisk.LeaderRecord;

/**
 * A joined lockspace as one process uses it: its {@link Lockspace} membership, the exclusive and shared
 * {@link ResourceLeases} it holds, and the {@link HeldLease} objects handed to users. Everything but the
 * {@code HeldLease} getters runs on the lockspace's event loop; the same code serves the embedded client (a real
 * thread and real disks) and the simulator (a simulated host's loop and disks).
 *
 * <p>One process holds a resource at most once, in one mode: a second acquire of a resource this process holds (or
 * is acquiring) fails at once instead of deciding a new lease version against itself; an acquire of a resource this
 * process is releasing waits for the release to finish. So this process never runs two operations on one resource's
 * sector at once.
 *
 * <p>Requests (sanlock.md §2.7): while it holds leases, the session has its lockspace scan for hosts that set our bit
 * in their delta lease; then it reads the request record of every lease it holds, and tells the holder of an older
 * version ({@link HeldLease#requested()}). A FORCE request also makes the lease LOST, and releases it on disk one
 * {@link org.diskpaxos.lock.core.LeaseTimeouts#killGraceNs() kill grace} later — in-process, LOST is what a kill is
 * to a daemon's client (a daemon kills the holder instead).
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
    /** Resources this process is acquiring now (on the loop). */
    private final java.util.Set<String> acquiring = new java.util.HashSet<>();
    /** Resources this process is releasing now, and when that ends (on the loop). */
    private final Map<String, CompletableFuture<Void>> releasing = new HashMap<>();

    public LockspaceSession(Lockspace lockspace, ResourceResolver resolver) {
        this(lockspace, resolver, RandomSource.seeded(System.nanoTime() ^ lockspace.hostId()));
    }

    /** @param random for the acquirers' randomized retries (seeded in the simulator) */
    public LockspaceSession(Lockspace lockspace, ResourceResolver resolver, RandomSource random) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
        this.leases = new ResourceLeases(lockspace, random);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        lockspace.onLost(reason -> {
            for (HeldLease l : Map.copyOf(held).values()) {
                l.markLost("membership of lockspace '" + lockspace.lockspaceName() + "' lost: " + reason);
            }
        });
        lockspace.watchRequests(new Lockspace.RequestWatch() {
            @Override
            public boolean holdsLeases() {
                return !held.isEmpty();
            }

            @Override
            public void signalled(java.util.Set<Long> requesterHostIds) {
                examineRequests();
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

    /**
     * Acquires {@code resource} in {@code options.mode()}, waiting for live holders' release until {@code deadlineNs}.
     * On the loop.
     */
    public void acquire(ResourceId resource, LeaseOptions options, long deadlineNs, Consumer<AcquireResult> done) {
        if (!resource.lockspace().equals(lockspace.lockspaceName())) {
            done.accept(new AcquireResult.Failed("resource " + resource + " is not in lockspace '"
                    + lockspace.lockspaceName() + "'"));
            return;
        }
        String name = resource.resource();
        CompletableFuture<Void> release = releasing.get(name);
        if (release != null) {
            release.whenComplete((v, e) -> loop().execute(() -> acquire(resource, options, deadlineNs, done)));
            return;
        }
        if (held.containsKey(name) || acquiring.contains(name)) {
            done.accept(new AcquireResult.Failed("this process already holds or is acquiring " + resource));
            return;
        }
        acquiring.add(name);
        resolver.resolve(name, (area, problem) -> {
            if (area == null) {
                acquiring.remove(name);
                done.accept(new AcquireResult.Failed(problem));
                return;
            }
            leases.acquire(area, options.mode(), deadlineNs, outcome -> {
                acquiring.remove(name);
                if (outcome instanceof ResourceLeases.Outcome.Held h) {
                    if (lockspace.state() != Lockspace.State.JOINED) {
                        // Not written: others may have judged this host dead and moved on to later versions.
                        done.accept(new AcquireResult.Failed("acquired " + resource + " but the host's membership "
                                + "lapsed meanwhile"));
                        return;
                    }
                    HeldLease lease = new HeldLease(this, resource, area, h, options);
                    held.put(name, lease);
                    scheduleDeadlineCheck(lease);
                    done.accept(new AcquireResult.Acquired(lease));
                } else if (outcome instanceof ResourceLeases.Outcome.Busy b) {
                    done.accept(new AcquireResult.Busy(resource + " is held by host " + b.ownerHostId() + " ('"
                            + b.ownerName() + "') at lease version " + b.lver(), b.ownerHostId()));
                } else {
                    ResourceLeases.Outcome.Failed f = (ResourceLeases.Outcome.Failed) outcome;
                    if (f.mayOwn()) {
                        settle(name, area);
                    }
                    done.accept(new AcquireResult.Failed(resource + ": " + f.reason()));
                }
            });
        });
    }

    /**
     * An acquire failed after a ballot that got no answer, so the lease may have been decided for this host after
     * all: other hosts would then wait for this live host to release a lease nobody here holds (lease simulation
     * seed 5043). Settle it in the background: acquire it once more (which decides past that instance) and release
     * it at once. The resource counts as being released meanwhile, so a new acquire by this process waits for this.
     * If the disks are still unavailable the settling acquire fails the same way and settles again; it stops once
     * the acquire gets an answer or this host leaves the lockspace (then others judge it gone anyway).
     */
    private void settle(String name, DiskPaxosResource area) {
        if (releasing.containsKey(name) || lockspace.state() != Lockspace.State.JOINED) {
            return;
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        releasing.put(name, finished);
        Runnable end = () -> {
            releasing.remove(name, finished);
            finished.complete(null);
        };
        long deadlineNs = lockspace.loop().nowNs() + lockspace.timeouts().hostDeadNs();
        leases.acquire(area, LeaseMode.EXCLUSIVE, deadlineNs, outcome -> {
            if (outcome instanceof ResourceLeases.Outcome.Held h) {
                leases.release(area, h.leader(), failure -> end.run());
            } else {
                end.run();
                if (outcome instanceof ResourceLeases.Outcome.Failed f && f.mayOwn()) {
                    settle(name, area);
                }
            }
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
        releaseOnDisk(lease, done);
    }

    private void releaseOnDisk(HeldLease lease, Consumer<ReleaseResult> done) {
        String name = lease.resource().resource();
        CompletableFuture<Void> finished = releasing.computeIfAbsent(name, n -> new CompletableFuture<>());
        byte[] lvb = lease.mode() == LeaseMode.EXCLUSIVE ? lease.stagedLvb : null;
        leases.release(lease.area(), lease.leader, lease.mode(), lvb, lease.leaderWritten, failure -> {
            releasing.remove(name, finished);
            finished.complete(null);
            done.accept(failure == null ? ReleaseResult.RELEASED : ReleaseResult.RELEASED_LOCALLY);
        });
    }

    void forget(HeldLease lease) {
        held.remove(lease.resource().resource(), lease);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    /**
     * Asks the holders of {@code resource} to let go ({@link ResourceLeases#request}). Fails for a resource this
     * process holds or that cannot be resolved. On the loop.
     */
    public void request(ResourceId resource, RequestMode mode, Consumer<ResourceLeases.RequestOutcome> done) {
        if (!resource.lockspace().equals(lockspace.lockspaceName())) {
            done.accept(new ResourceLeases.RequestOutcome.Failed("resource " + resource + " is not in lockspace '"
                    + lockspace.lockspaceName() + "'"));
            return;
        }
        if (held.containsKey(resource.resource())) {
            done.accept(new ResourceLeases.RequestOutcome.Failed("this process holds " + resource
                    + "; release it instead"));
            return;
        }
        resolver.resolve(resource.resource(), (area, problem) -> {
            if (area == null) {
                done.accept(new ResourceLeases.RequestOutcome.Failed(problem));
            } else {
                leases.request(area, mode.forceMode(), outcome -> done.accept(
                        outcome instanceof ResourceLeases.RequestOutcome.Failed f
                                ? new ResourceLeases.RequestOutcome.Failed(resource + ": " + f.reason()) : outcome));
            }
        });
    }

    /** A host set our bit: look at the request record of every lease held. On the loop. */
    void examineRequests() {
        for (HeldLease lease : held.values()) {
            if (lease.state() != LeaseState.HELD && lease.state() != LeaseState.SUSPECT) {
                continue;
            }
            lease.area().records().readRequest(read -> {
                if (read instanceof AreaRecords.RequestRead.Found f && f.newest().lver() > lease.fence()) {
                    lease.onRequested(RequestMode.ofForceMode(f.newest().forceMode()), f.newest().lver());
                }
            });
        }
    }

    /**
     * A FORCE request made {@code lease} LOST: after the kill grace, free it on disk as its holder would. The resource
     * counts as being released from now on, so that no acquire of it by this process starts meanwhile.
     */
    private void releaseForced(HeldLease lease) {
        String name = lease.resource().resource();
        if (releasing.containsKey(name)) {
            return;
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        releasing.put(name, finished);
        loop().schedule(lockspace.timeouts().killGraceNs(), () -> {
            if (lockspace.state() == Lockspace.State.JOINED) {
                releaseOnDisk(lease, result -> { });
            } else {
                releasing.remove(name, finished);
                finished.complete(null);
            }
        });
    }

    /**
     * One held lease. Its state follows the lockspace's validity deadline on the loop's clock, read without the
     * loop, so a stuck or paused loop cannot keep it HELD past its deadline.
     */
    public static final class HeldLease extends org.diskpaxos.lock.core.MembershipLease {
        private final LockspaceSession session;
        private final DiskPaxosResource area;
        private final LeaderRecord leader;
        private final CompletableFuture<String> leaderWritten;
        private volatile byte[] stagedLvb;
        private volatile byte[] readLvb;

        HeldLease(LockspaceSession session, ResourceId resource, DiskPaxosResource area,
                  ResourceLeases.Outcome.Held held, LeaseOptions options) {
            super(session.lockspace, resource, held.lver(), options, 4 * session.lockspace.timeouts().ioTimeoutNs());
            this.session = session;
            this.area = area;
            this.leader = held.leader();
            this.leaderWritten = held.leaderWritten();
        }

        DiskPaxosResource area() {
            return area;
        }

        /** The leader record this holder wrote (for a shared holder, the freed one). */
        LeaderRecord leader() {
            return leader;
        }

        @Override
        protected void forget() {
            session.loop().execute(() -> session.forget(this));
        }

        @Override
        protected void releaseForced(long requestLver) {
            session.releaseForced(this);
        }

        @Override
        protected void releaseOnStorage(CompletableFuture<ReleaseResult> result) {
            session.loop().execute(() -> session.release(this, result::complete));
        }

        // -----------------------------------------------------------------------------------------------------
        // Lock value block

        /** The largest value {@link #setLvb} takes. */
        @Override
        public int lvbCapacityBytes() {
            return area.records().lvbCapacityBytes();
        }

        /** {@link #lvb()} without blocking: completes on the loop. Use this on the loop itself. */
        @Override
        public CompletableFuture<byte[]> lvbAsync() {
            CompletableFuture<byte[]> out = new CompletableFuture<>();
            try {
                checkValid();
            } catch (LeaseLostException e) {
                out.completeExceptionally(e);
                return out;
            }
            byte[] known = stagedLvb != null ? stagedLvb : readLvb;
            if (known != null) {
                out.complete(known.clone());
                return out;
            }
            session.loop().execute(() -> area.records().readLvb(read -> {
                if (read instanceof AreaRecords.LvbRead.Value v) {
                    // Nobody else writes it while we hold the lease (only exclusive holders write, at release). If
                    // the lease was lost while the read was in flight, a later holder may have written it: the value
                    // is not ours to report.
                    try {
                        checkValid();
                    } catch (LeaseLostException e) {
                        out.completeExceptionally(e);
                        return;
                    }
                    readLvb = v.lvb().value();
                    out.complete(readLvb.clone());
                } else {
                    out.completeExceptionally(new LeaseException(((AreaRecords.LvbRead.Damaged) read).message()));
                }
            }));
            return out;
        }

        /** {@inheritDoc} Do not call it on the lease's event loop (use {@link #lvbAsync()} there). */
        @Override
        public byte[] lvb() throws LeaseException {
            CompletableFuture<byte[]> f = lvbAsync();
            long waitNs = 4 * session.lockspace.timeouts().ioTimeoutNs();
            try {
                return f.get(waitNs, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeaseException(resource() + ": interrupted while reading the lock value block", e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new LeaseException(resource() + ": reading the lock value block took longer than "
                        + waitNs / 1_000_000 + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof LeaseException le ? le
                        : new LeaseException(resource() + ": " + e.getCause(), e.getCause());
            }
        }

        @Override
        public void setLvb(byte[] value) {
            Objects.requireNonNull(value, "value");
            if (mode() != LeaseMode.EXCLUSIVE) {
                throw new IllegalStateException(resource() + ": only an exclusive holder writes the lock value block");
            }
            int capacity = lvbCapacityBytes();
            if (value.length > capacity) {
                throw new IllegalArgumentException(resource() + ": a lock value block holds at most " + capacity
                        + " bytes, got " + value.length);
            }
            LeaseState s = state();
            if (s == LeaseState.LOST || s == LeaseState.RELEASED) {
                throw new IllegalStateException(resource() + " (fence " + fence() + ") is " + s
                        + "; its lock value block can no longer be set");
            }
            stagedLvb = value.clone();
        }

    }
}
