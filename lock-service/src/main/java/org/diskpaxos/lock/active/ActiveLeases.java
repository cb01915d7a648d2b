package org.diskpaxos.lock.active;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.MembershipLease;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ActiveOptions;
import org.diskpaxos.paxos.active.ActiveResource;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;

/**
 * Resource leases in active mode: the same semantics as disk mode, with each resource a sequence of consensus
 * instances (lease versions) on {@link org.diskpaxos.paxos.active.ActiveRankedRegister}s, and host liveness judged
 * from heartbeat registers ({@link ActiveLockspace}).
 *
 * <h2>State</h2>
 * Instance {@code k} of a resource decides a {@link LeaseRecord}: the whole state after version {@code k} (free,
 * one exclusive holder, or up to {@value LeaseRecord#HOLDERS_MAX} shared ones, each with the version that granted it;
 * the lock value block; a pending request). Instance 0 is never written and means free. Every value ever written at
 * instance {@code k + 1} was computed by some host from the value decided at {@code k}, so the instances form one
 * history: nobody proposes {@code k + 1} before learning {@code k}'s decision.
 *
 * <h2>Learning the newest version</h2>
 * Read the last known instance at a fresh rank with the fast path's {@code readFrom}: the fence lists every kept
 * instance from there on, and any decided one is in it (a decided value is on a majority). If a newer instance has a
 * value, run consensus on it proposing that very value (any value written there is a legitimate successor) to
 * learn what it decided. A stale fence only makes the next proposal lose to the decided value, never win wrongly.
 *
 * <h2>Acquiring, exclusive</h2>
 * From the newest decided state: if free, or every holder's host is provably dead (its heartbeat, see
 * {@link ActiveLockspace#judge}), propose {@code k + 1} = this host alone, since {@code k + 1}. Decided with us
 * in it: granted, fencing token {@code k + 1}. Another value decided: start over from it. Live holders: busy, look
 * again every {@code renewInterval} until the caller's deadline. <b>Shared</b>: as exclusive, but a shared state
 * keeps its holders and adds us. A proposal that failed (agents unavailable) may still be decided later, so the
 * resource is <em>settled</em> in the background: learned again, and our orphaned holder entry removed.
 *
 * <h2>Releasing, requests</h2>
 * Release proposes the state without us (an exclusive holder's lock value block replacing the old one). A request
 * proposes the same holders with the request noted; holders look for newer versions every
 * {@code requestScanInterval} at rank zero (which disturbs no one) and are told; FORCE also makes the lease LOST and
 * releases it {@code killGrace} later.
 *
 * <p>Everything runs on the lockspace's loop; one operation per resource at a time (later ones queue).
 */
public final class ActiveLeases {

    /** How an acquire ended. */
    public sealed interface AcquireResult {
        record Acquired(ActiveLease lease) implements AcquireResult {
        }

        record Busy(String message, long ownerHostId) implements AcquireResult {
        }

        record Failed(String message) implements AcquireResult {
        }
    }

    /** How a request ended: the version it was noted at and the hosts asked, or why it failed. */
    public sealed interface RequestOutcome {
        record Requested(long lver, List<Long> holderHostIds) implements RequestOutcome {
        }

        record Failed(String reason) implements RequestOutcome {
        }
    }

    private static final int LEARN_ATTEMPTS_MAX = 64;
    /** What {@link #learn} reports when its caller's deadline passed. */
    private static final String GAVE_UP = "the deadline passed while learning the newest lease version";
    private static final boolean DEBUG = System.getProperty("dp.debug.active") != null;

    /** Logs a step to stderr with {@code -Ddp.debug.active} (the message is built only then). */
    private void debug(java.util.function.Supplier<String> what) {
        if (DEBUG) {
            System.err.printf(java.util.Locale.ROOT, "%.6f active host %d: %s%n", loop.nowNs() / 1e9,
                    lockspace.hostId(), what.get());
        }
    }
    private static final long BACKOFF_SLOT_NS = 1_000_000L;

    private final ActiveLockspace lockspace;
    private final EventLoop loop;
    private final ActiveOptions options;
    private final ProcessId processId;
    private final RandomSource random;
    private final Consensus<ActiveValue> consensus;
    private final Map<String, Slot> slots = new HashMap<>();
    private final Map<ActiveLease, Boolean> heldView = new java.util.concurrent.ConcurrentHashMap<>();

    public ActiveLeases(ActiveLockspace lockspace, ActiveOptions options, ProcessId processId, RandomSource random) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
        this.loop = lockspace.loop();
        this.options = Objects.requireNonNull(options, "options");
        this.processId = Objects.requireNonNull(processId, "processId");
        this.random = Objects.requireNonNull(random, "random");
        // Backoff windows up to one I/O timeout: a proposer that backs off for seconds while its value is being
        // decided leaves a lease held by a live host that does not know it (seed 245 of lease-active).
        int doublings = Math.max(2, Math.min(12,
                63 - Long.numberOfLeadingZeros(lockspace.timeouts().ioTimeoutNs() / BACKOFF_SLOT_NS)));
        this.consensus = new Consensus<>(loop, random, BACKOFF_SLOT_NS, doublings);
        lockspace.onLost(reason -> {
            for (ActiveLease l : List.copyOf(heldView.keySet())) {
                l.markLost("membership of lockspace '" + lockspace.name() + "' lost: " + reason);
            }
        });
    }

    /** The agent options for a lockspace's timeouts: one request may take {@code ioTimeout}. */
    public static ActiveOptions optionsFor(org.diskpaxos.lock.core.LeaseTimeouts t) {
        return new ActiveOptions(t.ioTimeoutNs(), 2 * t.ioTimeoutNs(), Math.max(1_000_000L, t.ioTimeoutNs() / 8),
                true);
    }

    public ActiveLockspace lockspace() {
        return lockspace;
    }

    /** The leases held through this object now (any thread). */
    public List<ActiveLease> heldSnapshot() {
        return List.copyOf(heldView.keySet());
    }

    /** The agent register name of a resource: {@code lockspace/resource}. */
    static String registerName(ResourceId id) {
        return id.lockspace() + "/" + id.resource();
    }

    /** One resource as this host sees it. */
    private final class Slot {
        final ResourceId id;
        final ActiveResource register;
        long knownInstance;
        LeaseRecord known = LeaseRecord.FREE;
        final ArrayDeque<Consumer<Runnable>> queue = new ArrayDeque<>();
        boolean busy;
        final Map<Long, ActiveLease> held = new HashMap<>();
        /** Tokens this incarnation handed to a lease object: an orphan entry with one is removed, never re-granted. */
        final java.util.Set<Long> handedOut = new java.util.HashSet<>();
        boolean peeking;
        boolean settling;

        Slot(ResourceId id) {
            this.id = id;
            this.register = new ActiveResource(registerName(id), lockspace.agents(), processId, options);
        }

        /** Runs {@code task} when the resource's earlier operations have ended; it calls its argument when done. */
        void run(Consumer<Runnable> task) {
            queue.add(task);
            pump();
        }

        private void pump() {
            if (busy || queue.isEmpty()) {
                return;
            }
            busy = true;
            Consumer<Runnable> task = queue.poll();
            boolean[] ended = {false};
            task.accept(() -> {
                if (!ended[0]) {
                    ended[0] = true;
                    busy = false;
                    loop.execute(this::pump);
                }
            });
        }
    }

    private String check(ResourceId id) {
        if (!id.lockspace().equals(lockspace.name())) {
            return id + ": not in lockspace '" + lockspace.name() + "'";
        }
        return AgentLimits.checkResourceName(registerName(id));
    }

    private Slot slot(ResourceId id) {
        return slots.computeIfAbsent(id.resource(), n -> new Slot(id));
    }

    private boolean member() {
        return lockspace.state() == Lockspace.State.JOINED && loop.nowNs() < lockspace.validUntilNs();
    }

    private String notMember() {
        return "this host is not a valid member of lockspace '" + lockspace.name() + "' (" + lockspace.state()
                + (lockspace.lostReason() != null ? ": " + lockspace.lostReason() : "") + ")";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Learning

    /**
     * Brings {@code s.known} up to the newest decided version; {@code done} gets null or why not. First a look at
     * rank zero for any version after the known one: most of the time there is none (a waiter polling a held lease),
     * and that look raises no agent's read rank — waiters reading at fresh ranks kept preempting the holder's own
     * proposal for ever (seed 121 of lease-active). A decided later version is on a majority, so the look sees it.
     */
    private void learn(Slot s, Consumer<String> done) {
        long known = s.knownInstance;
        new QuorumRegister(lockspace.agents(), registerName(s.id), lockspace.timeouts().ioTimeoutNs())
                .newestFrom(known + 1, newest -> {
                    if (newest != null && newest.instance() <= known && s.knownInstance == known) {
                        done.accept(null);
                    } else {
                        learn(s, s.knownInstance, 0, done);
                    }
                });
    }

    /** Learns from instance {@code from} on with a read at a fresh rank and, if need be, consensus on the newest. */
    private void learn(Slot s, long from, int attempt, Consumer<String> done) {
        learn(s, from, attempt, Long.MAX_VALUE, done);
    }

    /**
     * As {@link #learn(Slot, long, int, Consumer)}, giving up with {@link #GAVE_UP} once {@code giveUpAtNs} has
     * passed: an acquirer learning versions that other hosts keep adding can take far longer than its wait (seed
     * 4192 of lease-active: shared acquires of 0.2 s finished 2.8 s later, after the heal, and kept writers out).
     */
    private void learn(Slot s, long from, int attempt, long giveUpAtNs, Consumer<String> done) {
        if (attempt > 0 && loop.nowNs() >= giveUpAtNs) {
            done.accept(GAVE_UP);
            return;
        }
        if (attempt >= LEARN_ATTEMPTS_MAX) {
            done.accept(s.id + ": could not learn the newest lease version after " + attempt + " attempts");
            return;
        }
        // A rank above every one seen: the read goes to the agents and takes a fresh fence. (The fast path's own
        // rank would be answered by the last fence, which knows nothing of versions decided since: seed 5 of
        // lease-active saw a released lease as held for ever.)
        debug(() -> s.id + " learn from " + from + " attempt " + attempt + " known " + s.knownInstance + " "
                + s.known);
        s.register.register(from).rrRead(processId.rank(0).nextAbove(s.register.highestSeen()), outcome -> {
            debug(() -> s.id + " learn read " + from + ": " + outcome);
            if (outcome instanceof org.diskpaxos.paxos.RankedRegister.ReadValue<ActiveValue>) {
                Map.Entry<Long, ActiveValue> top = s.register.fenceTop(from);
                if (top == null || top.getKey() <= s.knownInstance) {
                    if (from > s.knownInstance) {
                        // Our version was compacted and the kept ones hold nothing: try again from our own.
                        retry(() -> learn(s, s.knownInstance, attempt + 1, giveUpAtNs, done), attempt);
                    } else {
                        done.accept(null);
                    }
                    return;
                }
                long t = top.getKey();
                consensus.propose(s.register.register(t), s.register.nextRank(), top.getValue(), d -> {
                    if (d instanceof Consensus.Decision.Decided<ActiveValue> dec) {
                        String problem = adopt(s, t, dec.value());
                        if (problem != null) {
                            done.accept(problem);
                        } else {
                            learn(s, t, attempt + 1, giveUpAtNs, done);
                        }
                    } else if (d instanceof Consensus.Decision.Superseded<ActiveValue> sup) {
                        learn(s, Math.max(from, sup.instanceSeen()), attempt + 1, giveUpAtNs, done);
                    } else {
                        done.accept(s.id + ": learning lease version " + t + ": "
                                + ((Consensus.Decision.Failed<ActiveValue>) d).reason());
                    }
                });
            } else if (outcome instanceof org.diskpaxos.paxos.RankedRegister.Superseded<ActiveValue> sup) {
                learn(s, Math.max(from + 1, sup.instanceSeen()), attempt + 1, giveUpAtNs, done);
            } else if (outcome instanceof org.diskpaxos.paxos.RankedRegister.Preempted<ActiveValue>) {
                retry(() -> learn(s, from, attempt + 1, giveUpAtNs, done), attempt);
            } else {
                done.accept(s.id + ": reading the lease versions: "
                        + ((org.diskpaxos.paxos.RankedRegister.ReadUnavailable<ActiveValue>) outcome).reason());
            }
        });
    }

    private void retry(Runnable r, int attempt) {
        long window = BACKOFF_SLOT_NS << Math.min(attempt, 10);
        loop.schedule(random.nextLong(window) + 1, r);
    }

    /** Records a decided value; null, or why it is unusable. */
    private String adopt(Slot s, long instance, ActiveValue value) {
        LeaseRecord rec;
        try {
            rec = LeaseRecord.decode(value);
        } catch (IllegalArgumentException e) {
            return s.id + ": lease version " + instance + " at the agents is not a lease record (" + e.getMessage()
                    + "); is another program using register '" + registerName(s.id) + "'?";
        }
        if (instance > s.knownInstance) {
            s.knownInstance = instance;
            s.known = rec;
        }
        return null;
    }

    /** Proposes {@code next} as version {@code known + 1}; {@code done} gets the decided record, or null on failure. */
    private void propose(Slot s, LeaseRecord next, Consumer<String> failed, Consumer<LeaseRecord> decided) {
        long k = s.knownInstance + 1;
        debug(() -> s.id + " propose " + k + " " + next);
        consensus.propose(s.register.register(k), s.register.nextRank(), next.encode(), d -> {
            debug(() -> s.id + " proposed " + k + ": " + d);
            if (d instanceof Consensus.Decision.Decided<ActiveValue> dec) {
                String problem = adopt(s, k, dec.value());
                if (problem != null) {
                    failed.accept(problem);
                } else {
                    decided.accept(s.known);
                }
            } else if (d instanceof Consensus.Decision.Superseded<ActiveValue>) {
                decided.accept(null); // a newer version exists: the caller learns it and starts over
            } else {
                failed.accept(s.id + ": proposing lease version " + k + ": "
                        + ((Consensus.Decision.Failed<ActiveValue>) d).reason());
                settleLater(s);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Acquire

    /** Acquires {@code id}, waiting for live holders until {@code deadlineNs} (the loop's clock). On the loop. */
    public void acquire(ResourceId id, LeaseOptions opts, long deadlineNs, Consumer<AcquireResult> done) {
        String problem = check(id);
        if (problem != null) {
            done.accept(new AcquireResult.Failed(problem));
            return;
        }
        Slot s = slot(id);
        s.run(end -> attempt(s, opts, deadlineNs, 0, r -> {
            end.run();
            done.accept(r);
        }));
    }

    private void attempt(Slot s, LeaseOptions opts, long deadlineNs, int round, Consumer<AcquireResult> done) {
        if (!member()) {
            done.accept(new AcquireResult.Failed(notMember()));
            return;
        }
        if (round > 0 && loop.nowNs() >= deadlineNs) {
            gaveUp(s, done);
            return;
        }
        look(s, (view, current, failure) -> {
            if (failure != null) {
                done.accept(new AcquireResult.Failed(failure));
            } else {
                decide(s, view, current, opts, deadlineNs, round, done);
            }
        });
    }

    /** What {@link #look} found: a state, whether it is the newest decided one, or why nothing was found. */
    @FunctionalInterface
    private interface View {
        void seen(LeaseRecord state, boolean current, String failure);
    }

    /**
     * Looks at rank zero for versions after the known one. None: the known state is current. One: its value with the
     * highest rank on a majority is the newest version's decided value, or a proposal still pending — good enough to
     * see that a lease is busy without running consensus (waiters that learned every version, requests included,
     * contended with each other and ran out of time watching a dead holder: seed 417 of lease-active). Only an
     * acquirer about to propose learns the decided state first.
     */
    private void look(Slot s, View view) {
        long known = s.knownInstance;
        new QuorumRegister(lockspace.agents(), registerName(s.id), lockspace.timeouts().ioTimeoutNs())
                .newestFrom(known + 1, newest -> {
                    if (newest == null) {
                        learn(s, known, 0, f -> view.seen(s.known, true, f));
                    } else if (newest.instance() <= known || s.knownInstance != known) {
                        view.seen(s.known, true, null);
                    } else {
                        try {
                            view.seen(LeaseRecord.decode(ActiveValue.of(newest.value())), false, null);
                        } catch (IllegalArgumentException e) {
                            learn(s, known, 0, f -> view.seen(s.known, true, f));
                        }
                    }
                });
    }

    /**
     * The acquire's deadline passed before it could propose: busy. An earlier round's proposal may still be decided
     * for us (it was superseded before we learned), so settle the resource.
     */
    private void gaveUp(Slot s, Consumer<AcquireResult> done) {
        settleLater(s);
        done.accept(new AcquireResult.Busy(s.id + ": not acquired before the deadline (the lease kept changing)", 0));
    }

    /** Acts on a state: grants, proposes (after learning, unless {@code current}), or waits for live holders. */
    private void decide(Slot s, LeaseRecord st, boolean current, LeaseOptions opts, long deadlineNs, int round,
            Consumer<AcquireResult> done) {
        Runnable learnFirst = () -> learn(s, s.knownInstance, 0, deadlineNs, failure -> {
            if (failure == GAVE_UP) {
                gaveUp(s, done);
            } else if (failure != null) {
                done.accept(new AcquireResult.Failed(failure));
            } else {
                decide(s, s.known, true, opts, deadlineNs, round + 1, done);
            }
        });
        int me = lockspace.hostId();
        long gen = lockspace.generation();
        LeaseRecord.Holder mine = st.holder(me, gen);
        if (mine != null) {
            ActiveLease live = s.held.get(mine.since());
            if (live != null && live.lost().isDone()) {
                // Lost (a forced request) and not released by its user: its entry is an orphan now.
                s.held.remove(mine.since());
                live = null;
            }
            if (!current) {
                learnFirst.run();
            } else if (live != null) {
                done.accept(new AcquireResult.Failed(s.id + " is already held by this process (fence "
                        + mine.since() + "); leases are not reentrant"));
            } else if (st.mode() == opts.mode() && !s.handedOut.contains(mine.since()) && member()) {
                done.accept(new AcquireResult.Acquired(grant(s, mine.since(), opts)));
            } else {
                propose(s, st.without(mine, null), f -> done.accept(new AcquireResult.Failed(f)),
                        d -> attempt(s, opts, deadlineNs, round + 1, done));
            }
            return;
        }
        List<LeaseRecord.Holder> others = st.holders();
        boolean joinShared = opts.mode() == LeaseMode.SHARED && st.mode() == LeaseMode.SHARED
                && others.size() < LeaseRecord.HOLDERS_MAX;
        if (st.isFree() || joinShared) {
            if (current) {
                grantOrRetry(s, opts, deadlineNs, round, joinShared ? others : List.of(), done);
            } else {
                learnFirst.run();
            }
            return;
        }
        judgeAll(s, others, 0, new ArrayList<>(), (alive, dead) -> {
            if (alive == null && !current) {
                learnFirst.run();
            } else if (alive == null) {
                List<LeaseRecord.Holder> kept = new ArrayList<>(others);
                kept.removeAll(dead);
                grantOrRetry(s, opts, deadlineNs, round, opts.mode() == LeaseMode.SHARED
                        && st.mode() == LeaseMode.SHARED ? kept : List.of(), done);
            } else if (loop.nowNs() + lockspace.timeouts().renewIntervalNs() < deadlineNs) {
                loop.schedule(lockspace.timeouts().renewIntervalNs(),
                        () -> attempt(s, opts, deadlineNs, round + 1, done));
            } else {
                done.accept(new AcquireResult.Busy(s.id + " is held " + st.mode() + " by host "
                        + alive.hostId() + " (generation " + alive.generation() + ", version " + alive.since()
                        + ")", alive.hostId()));
            }
        });
    }

    /**
     * Judges holders one by one; {@code done} gets (null, all) when every one is dead, else (the first not provably
     * dead, dead so far). For shared holders the dead ones are dropped, so the state stays within the holder limit.
     */
    private void judgeAll(Slot s, List<LeaseRecord.Holder> holders, int i, List<LeaseRecord.Holder> dead,
            java.util.function.BiConsumer<LeaseRecord.Holder, List<LeaseRecord.Holder>> done) {
        if (i == holders.size()) {
            done.accept(null, dead);
            return;
        }
        LeaseRecord.Holder h = holders.get(i);
        lockspace.observe(h.hostId(), o -> {
            debug(() -> s.id + " observed " + h + ": " + o + " -> "
                    + lockspace.judge(h.hostId(), h.generation(), o));
            if (lockspace.judge(h.hostId(), h.generation(), o) == ActiveLockspace.Verdict.DEAD) {
                dead.add(h);
                judgeAll(s, holders, i + 1, dead, done);
            } else {
                done.accept(h, dead);
            }
        });
    }

    private void grantOrRetry(Slot s, LeaseOptions opts, long deadlineNs, int round, List<LeaseRecord.Holder> kept,
            Consumer<AcquireResult> done) {
        if (!member()) {
            done.accept(new AcquireResult.Failed(notMember()));
            return;
        }
        long k = s.knownInstance + 1;
        LeaseRecord.Holder me = new LeaseRecord.Holder(lockspace.hostId(), lockspace.generation(), k);
        propose(s, s.known.granting(opts.mode(), me, kept), f -> done.accept(new AcquireResult.Failed(f)), d -> {
            LeaseRecord.Holder mine = d == null ? null : d.holder(me.hostId(), me.generation());
            if (!member()) {
                // Decided too late: others judge this incarnation dead from now on (seed 251 of lease-active
                // granted version 23 to a host that had rejoined since, after version 24 was granted).
                done.accept(new AcquireResult.Failed(notMember()));
            } else if (mine != null && mine.since() == k) {
                done.accept(new AcquireResult.Acquired(grant(s, k, opts)));
            } else {
                attempt(s, opts, deadlineNs, round + 1, done);
            }
        });
    }

    private ActiveLease grant(Slot s, long fence, LeaseOptions opts) {
        ActiveLease lease = new ActiveLease(s, fence, opts, s.known.lvb());
        s.held.put(fence, lease);
        s.handedOut.add(fence);
        heldView.put(lease, Boolean.TRUE);
        schedulePeek(s);
        return lease;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Release and settling

    private void releaseOnAgents(Slot s, ActiveLease lease, Consumer<ReleaseResult> done) {
        s.held.remove(lease.fence());
        heldView.remove(lease);
        s.run(end -> releaseStep(s, lease, 0, r -> {
            end.run();
            done.accept(r);
        }));
    }

    private void releaseStep(Slot s, ActiveLease lease, int round, Consumer<ReleaseResult> done) {
        learn(s, failure -> {
            if (failure != null) {
                settleLater(s);
                done.accept(ReleaseResult.RELEASED_LOCALLY);
                return;
            }
            LeaseRecord.Holder mine = s.known.holder(lockspace.hostId(), lockspace.generation());
            if (mine == null || mine.since() != lease.fence()) {
                done.accept(ReleaseResult.ALREADY_LOST);
                return;
            }
            if (round > 16) {
                settleLater(s);
                done.accept(ReleaseResult.RELEASED_LOCALLY);
                return;
            }
            byte[] lvb = lease.mode() == LeaseMode.EXCLUSIVE ? lease.stagedLvb : null;
            LeaseRecord freed = s.known.without(mine, lvb);
            propose(s, freed, f -> done.accept(ReleaseResult.RELEASED_LOCALLY),
                    d -> {
                        if (freed.equals(d)) {
                            done.accept(ReleaseResult.RELEASED);
                        } else if (d != null && d.holder(lockspace.hostId(), lockspace.generation()) == null) {
                            // Another host's value was decided without us: it judged this host dead, and our lock
                            // value block was not written (seed 546 of lease-active reported RELEASED here).
                            done.accept(ReleaseResult.ALREADY_LOST);
                        } else {
                            releaseStep(s, lease, round + 1, done);
                        }
                    });
        });
    }

    /** Learns the resource again later and removes a holder entry of ours that no lease object stands for. */
    private void settleLater(Slot s) {
        if (s.settling) {
            return;
        }
        s.settling = true;
        loop.schedule(lockspace.timeouts().ioTimeoutNs(), () -> s.run(end -> {
            s.settling = false;
            if (lockspace.state() != Lockspace.State.JOINED) {
                end.run();
                return;
            }
            learn(s, failure -> {
                LeaseRecord.Holder mine = failure != null ? null
                        : s.known.holder(lockspace.hostId(), lockspace.generation());
                if (failure != null) {
                    end.run();
                    settleLater(s);
                } else if (mine != null && !s.held.containsKey(mine.since()) && member()) {
                    propose(s, s.known.without(mine, null), f -> {
                        end.run();
                        settleLater(s);
                    }, d -> {
                        end.run();
                        settleLater(s);
                    });
                } else {
                    end.run();
                }
            });
        }));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    /** Asks the holders of {@code id} to let go. On the loop. */
    public void request(ResourceId id, RequestMode mode, Consumer<RequestOutcome> done) {
        String problem = check(id);
        if (problem != null) {
            done.accept(new RequestOutcome.Failed(problem));
            return;
        }
        Slot s = slot(id);
        s.run(end -> requestStep(s, mode, 0, r -> {
            end.run();
            done.accept(r);
        }));
    }

    private void requestStep(Slot s, RequestMode mode, int round, Consumer<RequestOutcome> done) {
        if (!member()) {
            done.accept(new RequestOutcome.Failed(notMember()));
            return;
        }
        learn(s, failure -> {
            if (failure != null) {
                done.accept(new RequestOutcome.Failed(failure));
                return;
            }
            LeaseRecord st = s.known;
            if (st.isFree()) {
                done.accept(new RequestOutcome.Requested(s.knownInstance, List.of()));
                return;
            }
            if (st.holder(lockspace.hostId(), lockspace.generation()) != null) {
                done.accept(new RequestOutcome.Failed(s.id + " is held by this host; release it instead"));
                return;
            }
            if (round > 16) {
                done.accept(new RequestOutcome.Failed(s.id + ": the lease kept changing; request not noted"));
                return;
            }
            long k = s.knownInstance + 1;
            propose(s, st.requested(mode, lockspace.hostId()), f -> done.accept(new RequestOutcome.Failed(f)), d -> {
                if (d != null && s.knownInstance == k && d.request() == mode
                        && d.requesterHostId() == lockspace.hostId()) {
                    List<Long> ids = new ArrayList<>();
                    for (LeaseRecord.Holder h : d.holders()) {
                        ids.add((long) h.hostId());
                    }
                    done.accept(new RequestOutcome.Requested(k, ids));
                } else {
                    requestStep(s, mode, round + 1, done);
                }
            });
        });
    }

    /** While this host holds leases on {@code s}, looks for newer versions noting a request. */
    private void schedulePeek(Slot s) {
        if (s.peeking) {
            return;
        }
        s.peeking = true;
        loop.schedule(lockspace.timeouts().requestScanIntervalNs(), () -> peek(s));
    }

    private void peek(Slot s) {
        if (s.held.isEmpty() || lockspace.state() != Lockspace.State.JOINED) {
            s.peeking = false;
            return;
        }
        long from = s.knownInstance + 1;
        new QuorumRegister(lockspace.agents(), registerName(s.id), lockspace.timeouts().ioTimeoutNs())
                .newestFrom(from, newest -> {
                    if (newest != null && newest.instance() >= from) {
                        try {
                            LeaseRecord rec = LeaseRecord.decode(ActiveValue.of(newest.value()));
                            if (rec.request() != null) {
                                for (ActiveLease l : List.copyOf(s.held.values())) {
                                    if (rec.holder(lockspace.hostId(), lockspace.generation()) != null
                                            && l.fence() < newest.instance()) {
                                        l.onRequested(rec.request(), newest.instance());
                                    }
                                }
                            }
                        } catch (IllegalArgumentException ignored) {
                            // not a lease record: learning reports it when someone acquires
                        }
                    }
                    loop.schedule(lockspace.timeouts().requestScanIntervalNs(), () -> peek(s));
                });
    }

    // ---------------------------------------------------------------------------------------------------------
    // The lease handed to users

    /** A held resource lease in active mode; see {@link Lease}. */
    public final class ActiveLease extends MembershipLease {
        private final Slot slot;
        private final byte[] lvbAtGrant;
        private volatile byte[] stagedLvb;

        ActiveLease(Slot slot, long fence, LeaseOptions options, byte[] lvbAtGrant) {
            super(lockspace, slot.id, fence, options, 8 * lockspace.timeouts().ioTimeoutNs());
            this.slot = slot;
            this.lvbAtGrant = lvbAtGrant;
        }

        @Override
        protected void forget() {
            heldView.remove(this);
        }

        @Override
        protected void releaseForced(long requestLver) {
            // Freed on the agents one kill grace later; to its user the lease stays LOST.
            loop.schedule(lockspace.timeouts().killGraceNs(), () -> releaseOnAgents(slot, this, r -> { }));
        }

        @Override
        protected void releaseOnStorage(CompletableFuture<ReleaseResult> result) {
            loop.execute(() -> releaseOnAgents(slot, this, result::complete));
        }

        @Override
        protected void releasedAfterLoss() {
            loop.execute(() -> {
                if (slot.held.remove(fence()) != null) {
                    settleLater(slot);
                }
            });
        }

        /** The largest value {@link #setLvb} takes. */
        @Override
        public int lvbCapacityBytes() {
            return LeaseRecord.LVB_BYTES_MAX;
        }

        /** The lock value block, with no I/O: it came with the decided version that granted the lease. */
        @Override
        public CompletableFuture<byte[]> lvbAsync() {
            CompletableFuture<byte[]> out = new CompletableFuture<>();
            try {
                out.complete(lvb());
            } catch (LeaseException e) {
                out.completeExceptionally(e);
            }
            return out;
        }

        @Override
        public byte[] lvb() throws LeaseException {
            checkValid();
            byte[] v = stagedLvb != null ? stagedLvb : lvbAtGrant;
            return v.clone();
        }

        @Override
        public void setLvb(byte[] value) {
            Objects.requireNonNull(value, "value");
            if (mode() != LeaseMode.EXCLUSIVE) {
                throw new IllegalStateException(slot.id + ": only an exclusive holder writes the lock value block");
            }
            if (value.length > LeaseRecord.LVB_BYTES_MAX) {
                throw new IllegalArgumentException(slot.id + ": a lock value block holds at most "
                        + LeaseRecord.LVB_BYTES_MAX + " bytes in active mode, got " + value.length);
            }
            LeaseState st = state();
            if (st == LeaseState.LOST || st == LeaseState.RELEASED) {
                throw new IllegalStateException(slot.id + " (fence " + fence() + ") is " + st
                        + "; its lock value block can no longer be set");
            }
            stagedLvb = value.clone();
        }
    }
}
