package org.diskpaxos.lock.active;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.core.Membership;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.paxos.active.ProcessId;
import org.diskpaxos.paxos.active.core.Ranks;

/**
 * A host's membership of a lockspace in active mode: the same lifecycle and timeline as {@link Lockspace}
 * ({@link LeaseTimeouts}), with the delta lease replaced by a <em>heartbeat register</em> per host id on the agents
 * ({@link HeartbeatRecord}, written through {@link QuorumRegister}).
 *
 * <h2>Joining</h2>
 * <ol>
 *   <li>Read our host id's heartbeat on a majority of agents.</li>
 *   <li>Wait as the slot's last holder demands, as in disk mode: not at all if it is blank, left, or was written by
 *       this machine in an earlier boot; if by this machine in this boot, until that holder's leases are provably
 *       over (its timestamp is on our clock); otherwise watch it for {@code hostDead}: any renewal means the host id
 *       is in use.</li>
 *   <li>Take it: read at rank {@code ((generation + 1) << 32, our id)} — above every rank of the old generation, so
 *       each agent that answers refuses the old holder's later renewals — and check that it still holds what we
 *       judged; then write generation + 1. A rival joiner is stopped by the same ranked-register rules: of two
 *       takeovers at most one commits on a majority. No settle wait is needed (disk mode waits {@code 2d}).</li>
 * </ol>
 *
 * <h2>Renewing</h2>
 * Every {@code renewInterval}, write the next counter at the next rank. Committed on a majority within
 * {@code renewalCompleteWithin}: valid until that write's start + {@code validFor}. Any agent aborting it: another
 * process took the host id, and everything is lost at once. Otherwise the leases run out on their own.
 *
 * <h2>Judging other hosts</h2>
 * {@link #observe} reads a host's heartbeat at rank zero (which raises no agent's read rank). A host is dead when a
 * read that started {@code hostDead} after the first read that saw its highest heartbeat rank still sees no higher
 * one (any renewal that reached a majority since would be seen: two majorities intersect, and renewals only climb),
 * or its heartbeat shows a later generation or that it left.
 */
public final class ActiveLockspace implements Membership {

    private final EventLoop loop;
    private final String lockspace;
    private final List<? extends AgentConnection> agents;
    private final int hostId;
    private final HostIdentity identity;
    private final LeaseTimeouts timeouts;
    private final ProcessId processId;
    private final QuorumRegister mine;
    private final List<Consumer<String>> lostListeners = new ArrayList<>();
    private final Map<Integer, Observation> observations = new HashMap<>();

    private volatile Lockspace.State state = Lockspace.State.JOINING;
    private volatile long validUntilNs;
    private volatile long lastRenewalStartNs;
    private volatile String lostReason;
    private HeartbeatRecord current;
    private long lastTimestampMs;
    private EventLoop.Scheduled renewalTimer;
    private boolean joinStarted;

    /**
     * What this host knows of another's heartbeat after a read that started at {@code readAtNs}: the highest rank
     * seen, its record (null if blank or not a heartbeat: {@code problem} says which), and since when (the start of
     * the first read that saw that rank).
     */
    record Observation(AgentRank highestW, HeartbeatRecord record, String problem, long sinceNs, long readAtNs) {
    }

    /** A judgment of one holder incarnation. */
    enum Verdict { DEAD, NOT_YET, UNKNOWN }

    /**
     * @param agents    the lockspace's agents, in a fixed order, all delivering on one loop
     * @param processId this incarnation's id: the id half of its heartbeat ranks
     */
    public ActiveLockspace(String lockspace, List<? extends AgentConnection> agents, int hostId,
            HostIdentity identity, LeaseTimeouts timeouts, ProcessId processId) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
        this.agents = List.copyOf(agents);
        if (this.agents.isEmpty() || this.agents.size() % 2 == 0) {
            throw new IllegalArgumentException("a lockspace needs an odd number of agents, got " + this.agents.size());
        }
        if (hostId < 1 || hostId > 0xffff) {
            throw new IllegalArgumentException("host id must be 1..65535, got " + hostId);
        }
        this.loop = this.agents.get(0).loop();
        this.hostId = hostId;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.processId = Objects.requireNonNull(processId, "processId");
        this.mine = heartbeat(hostId);
    }

    /** The agent register name of host {@code id}'s heartbeat: no resource name is empty, so none collides. */
    static String heartbeatName(String lockspace, int id) {
        return lockspace + "//h" + id;
    }

    private QuorumRegister heartbeat(int id) {
        return new QuorumRegister(agents, heartbeatName(lockspace, id), timeouts.ioTimeoutNs());
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    public String name() {
        return lockspace;
    }

    public int hostId() {
        return hostId;
    }

    public LeaseTimeouts timeouts() {
        return timeouts;
    }

    List<? extends AgentConnection> agents() {
        return agents;
    }

    public Lockspace.State state() {
        return state;
    }

    /** This incarnation's generation (0 before joining). */
    public long generation() {
        return current == null ? 0 : current.generation();
    }

    @Override
    public long validUntilNs() {
        return validUntilNs;
    }

    /** Whether a renewal is overdue (leases SUSPECT). */
    public boolean suspect() {
        return loop.nowNs() - lastRenewalStartNs >= timeouts.suspectAfterNs();
    }

    @Override
    public String lostReason() {
        return lostReason;
    }

    /** Runs on the loop when the membership is lost. */
    public void onLost(Consumer<String> listener) {
        lostListeners.add(listener);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Join

    /** Takes our host id's heartbeat; {@code done} gets null on success, else why not. On the loop. */
    public void join(Consumer<String> done) {
        if (joinStarted) {
            throw new IllegalStateException("join once, on a new ActiveLockspace");
        }
        joinStarted = true;
        long startNs = loop.nowNs();
        mine.read(AgentRank.ZERO, outcome -> {
            if (!(outcome instanceof QuorumRegister.ReadDone r)) {
                done.accept(joinFailure("reading the heartbeat", outcome));
                return;
            }
            HeartbeatRecord previous;
            try {
                previous = r.read().w().isZero() ? null : HeartbeatRecord.decode(r.read().value());
            } catch (IllegalArgumentException e) {
                done.accept("host id " + hostId + " of lockspace '" + lockspace + "': its heartbeat register holds "
                        + "something else (" + e.getMessage() + "); is this the right lockspace and agent set?");
                return;
            }
            long waitNs = joinWaitNs(previous);
            if (waitNs < 0) {
                watchThenTake(r.read(), previous, startNs, done);
            } else if (waitNs == 0) {
                take(r.read(), previous, done);
            } else {
                loop.schedule(waitNs, () -> mine.read(AgentRank.ZERO, again -> {
                    if (!(again instanceof QuorumRegister.ReadDone a)) {
                        done.accept(joinFailure("reading the heartbeat", again));
                    } else if (!a.read().w().equals(r.read().w())) {
                        done.accept(inUse(previous, "a process of this machine renewed it while we waited"));
                    } else {
                        take(a.read(), previous, done);
                    }
                }));
            }
        });
    }

    private long joinWaitNs(HeartbeatRecord previous) {
        if (previous == null || previous.left()) {
            return 0;
        }
        HostIdentity was = HostIdentity.parse(previous.identity());
        if (was != null && was.sameMachine(identity)) {
            if (!was.sameBoot(identity)) {
                return 0;
            }
            long safeAtNs = previous.timestampMs() * 1_000_000L + timeouts.validForNs() + timeouts.killGraceNs()
                    + timeouts.ioTimeoutNs();
            lastTimestampMs = Math.max(lastTimestampMs, previous.timestampMs());
            return Math.max(0, safeAtNs - loop.nowNs());
        }
        return -1;
    }

    private void watchThenTake(QuorumRegister.Read first, HeartbeatRecord previous, long firstStartNs,
            Consumer<String> done) {
        loop.schedule(timeouts.renewIntervalNs(), () -> {
            long startNs = loop.nowNs();
            mine.read(AgentRank.ZERO, outcome -> {
                if (!(outcome instanceof QuorumRegister.ReadDone r)) {
                    done.accept(joinFailure("watching the heartbeat", outcome));
                } else if (r.read().w().compareTo(first.w()) > 0) {
                    done.accept(inUse(previous, "it renewed its heartbeat while we watched"));
                } else if (startNs >= firstStartNs + timeouts.hostDeadNs()) {
                    take(first, previous, done);
                } else {
                    watchThenTake(first, previous, firstStartNs, done);
                }
            });
        });
    }

    private String inUse(HeartbeatRecord previous, String why) {
        return "host id " + hostId + " of lockspace '" + lockspace + "' is in use by '" + previous.identity() + "' ("
                + why + "); choose another host id";
    }

    private String joinFailure(String what, QuorumRegister.Outcome outcome) {
        return "joining lockspace '" + lockspace + "' as host " + hostId + ": " + what + " failed: " + outcome;
    }

    /** Takes over the heartbeat last seen as {@code seen}: read above its generation, check, write. */
    private void take(QuorumRegister.Read seen, HeartbeatRecord previous, Consumer<String> done) {
        // Above every rank seen, not just the old generation's: an earlier attempt of ours that failed half-way
        // (another process id) may have raised R or written in the new generation's band, and a rank below it would
        // fail every time (seed 10 of lease-active: no host could rejoin after an agent power loss).
        long seenRound = Math.max(seen.highestR().round(), seen.w().round());
        long generation = Math.max(previous == null ? 1 : previous.generation() + 1, seenRound >>> 32);
        long base = generation << 32;
        long counter = seenRound >= base ? seenRound - base + 1 : 0;
        if (generation > 0xffff_fff0L || counter > 0xffff_0000L) {
            done.accept("host id " + hostId + ": generation counter exhausted");
            return;
        }
        HeartbeatRecord joined = new HeartbeatRecord(false, hostId, generation, counter, nextTimestampMs(),
                identity.toString());
        AgentRank rank = Ranks.toAgent(processId.rank(joined.round()));
        mine.read(rank, outcome -> {
            if (!(outcome instanceof QuorumRegister.ReadDone r)) {
                done.accept(joinFailure("fencing the old generation", outcome));
                return;
            }
            if (!r.read().w().equals(seen.w()) || r.read().highestR().compareTo(rank) > 0) {
                done.accept("host id " + hostId + " of lockspace '" + lockspace + "' changed while we took it (another "
                        + "process is joining or renewing with it); choose another host id");
                return;
            }
            long startNs = loop.nowNs();
            mine.write(rank, joined.encode(), w -> {
                if (w instanceof QuorumRegister.Committed
                        && loop.nowNs() - startNs <= timeouts.renewalCompleteWithinNs()) {
                    current = joined;
                    lastRenewalStartNs = startNs;
                    validUntilNs = startNs + timeouts.validForNs();
                    state = Lockspace.State.JOINED;
                    loop.schedule(timeouts.validForNs(), this::checkExpiry);
                    renewalTimer = loop.schedule(timeouts.renewIntervalNs(), this::renew);
                    done.accept(null);
                } else if (w instanceof QuorumRegister.Aborted a) {
                    done.accept("host id " + hostId + " of lockspace '" + lockspace + "' was taken by another "
                            + "process while we joined (agent " + a.agent() + "); choose another host id");
                } else {
                    done.accept(joinFailure("writing the heartbeat", w));
                }
            });
        });
    }

    private long nextTimestampMs() {
        long ms = Math.max(lastTimestampMs + 1, loop.nowNs() / 1_000_000L);
        lastTimestampMs = ms;
        return ms;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Renewal

    private void checkExpiry() {
        if (state == Lockspace.State.JOINED && loop.nowNs() >= validUntilNs) {
            lose("no heartbeat reached a majority of agents for " + timeouts.validForNs() / 1_000_000 + " ms");
        }
    }

    private void renew() {
        if (state != Lockspace.State.JOINED) {
            return;
        }
        long startNs = loop.nowNs();
        if (startNs >= validUntilNs) {
            // Never renew after the deadline: that would resurrect leases others may already have taken.
            checkExpiry();
            return;
        }
        HeartbeatRecord next = current.next(nextTimestampMs());
        if (next.counter() > 0xffff_fff0L) {
            lose("heartbeat counter exhausted; rejoin");
            return;
        }
        current = next;
        mine.write(Ranks.toAgent(processId.rank(next.round())), next.encode(), w -> {
            if (state != Lockspace.State.JOINED) {
                return;
            }
            if (w instanceof QuorumRegister.Aborted a) {
                lose("host id " + hostId + " was taken by another process (agent " + a.agent() + " holds rank "
                        + a.hint() + ")");
                return;
            }
            long tookNs = loop.nowNs() - startNs;
            if (w instanceof QuorumRegister.Committed && tookNs <= timeouts.renewalCompleteWithinNs()
                    && startNs < validUntilNs) {
                lastRenewalStartNs = startNs;
                validUntilNs = startNs + timeouts.validForNs();
                loop.schedule(validUntilNs - loop.nowNs(), this::checkExpiry);
            }
            renewalTimer = loop.schedule(Math.max(0, startNs + timeouts.renewIntervalNs() - loop.nowNs()),
                    this::renew);
        });
    }

    private void lose(String reason) {
        if (state != Lockspace.State.JOINED) {
            return;
        }
        state = Lockspace.State.LOST;
        lostReason = reason;
        validUntilNs = Math.min(validUntilNs, loop.nowNs());
        if (renewalTimer != null) {
            renewalTimer.cancel();
        }
        for (Consumer<String> l : lostListeners) {
            l.accept(reason);
        }
    }

    /** Marks our heartbeat as left, so others may take our leases' slots at once. Release every lease first. */
    public void leave(Consumer<String> done) {
        if (state != Lockspace.State.JOINED) {
            done.accept("not joined");
            return;
        }
        state = Lockspace.State.LEFT;
        if (renewalTimer != null) {
            renewalTimer.cancel();
        }
        validUntilNs = loop.nowNs();
        HeartbeatRecord left = current.leaving(nextTimestampMs());
        current = left;
        mine.write(Ranks.toAgent(processId.rank(left.round())), left.encode(), w -> done.accept(
                w instanceof QuorumRegister.Committed ? null : "leaving lockspace '" + lockspace + "': " + w));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Judging other hosts

    /** Reads host {@code id}'s heartbeat and updates what we know of it; {@code done} gets the new observation. */
    void observe(int id, Consumer<Observation> done) {
        long startNs = loop.nowNs();
        heartbeat(id).read(AgentRank.ZERO, outcome -> {
            if (!(outcome instanceof QuorumRegister.ReadDone r)) {
                done.accept(null);
                return;
            }
            Observation before = observations.get(id);
            if (before == null || r.read().w().compareTo(before.highestW()) > 0) {
                HeartbeatRecord rec = null;
                String problem = null;
                if (!r.read().w().isZero()) {
                    try {
                        rec = HeartbeatRecord.decode(r.read().value());
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                }
                observations.put(id, new Observation(r.read().w(), rec, problem, startNs, startNs));
                done.accept(observations.get(id));
                return;
            }
            done.accept(new Observation(before.highestW(), before.record(), before.problem(), before.sinceNs(),
                    startNs));
        });
    }

    /**
     * Whether incarnation {@code generation} of host {@code id} is provably gone, judged from {@code o} (null: the
     * read failed), an observation returned by {@link #observe}.
     */
    Verdict judge(int id, long generation, Observation o) {
        if (id == hostId && generation < generation()) {
            return Verdict.DEAD; // our own earlier incarnation: we took its heartbeat only after its leases ran out
        }
        if (o == null) {
            return Verdict.UNKNOWN;
        }
        HeartbeatRecord r = o.record();
        if (r != null && (r.generation() > generation || r.generation() == generation && r.left())) {
            return Verdict.DEAD;
        }
        return o.readAtNs() >= o.sinceNs() + timeouts.hostDeadNs() ? Verdict.DEAD : Verdict.NOT_YET;
    }
}
