package org.diskpaxos.paxos.active.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;

/**
 * The client side of Active Disk Paxos for one resource and one process incarnation, as a pure state machine: the
 * ranked register of Chockler and Malkhi emulated over {@code n} read-modify-write agents (algorithms.md §2.5), and
 * the fast path (§2.7). Inputs are operations, agent replies, retry timers and deadlines; outputs are
 * {@link ClientIo}s. No clock, thread, randomness or I/O: {@code ActiveResource} drives it in production and in
 * the simulator, the model checker drives it directly.
 *
 * <h2>The register, per instance</h2>
 * <pre>
 *   rrRead(i, r):     send f_read(i, r) to every agent; a majority of answers → the (W, V) with the largest W.
 *                     An answer with R &gt; r or W_i &gt; r → Preempted at once (a write at r would abort there).
 *                     An answer saying i is compacted → Superseded (a later instance exists; i's register is gone).
 *   rrWrite(i, r, v): send f_write(i, r, v) to every agent; COMMITTED from a majority → Committed (every reply of
 *                     that majority commits, which is the paper's rule). Aborts from so many agents that no
 *                     majority can commit, or an abort once every agent has been heard from → Aborted(hint).
 * </pre>
 * An agent that does not answer (timeout, lost connection, overloaded, starting) is asked again after the driver's
 * retry delay, with the same request: both functions are idempotent at the agent (a repeated write of the same
 * rank and value commits). An agent that refuses (damaged register, malformed request or reply) counts as failed
 * for the operation. The driver's deadline ends an operation that has no majority: {@code Unavailable}, never a
 * hang. Replies for operations that have ended are counted and ignored.
 *
 * <h2>One value per rank</h2>
 * The agreement argument needs every write of one rank on one instance to carry one value. Ranks of different
 * processes differ in their id; within this process the core remembers the last {@code (W, V)} it wrote per
 * instance ({@value #WRITES_REMEMBERED_MAX} instances, then a watermark) and never writes another value at that rank:
 * a read at the rank of its own write answers that write, a read or write below it is preempted locally.
 *
 * <h2>The fast path: one fence, then one round per decision</h2>
 * With {@code fastPath}, reads go out as {@code f_readFrom(i, r)}: the agent raises its one per-resource {@code R}
 * and returns every kept instance {@code >= i} that has a value. A majority of those answers is a <em>fence</em>
 * at rank {@code F = r} from instance {@code i}: for every {@code j >= i} it is a complete rrRead of rank
 * {@code F} on instance {@code j}, taken at that moment. So a later {@code rrRead(j, F)} is answered from the fence
 * with no message, and a stable proposer pays one write round per decision ({@link #nextRank} hands out {@code F}
 * while no higher rank has been seen). Why that read is still correct later:
 * <pre>
 *   Let rrWrite(j, r1, v) commit on a majority Q1, r1 &lt; F, and let Q be the fence's majority; take x in Q ∩ Q1.
 *   - x applied the write after the fence: then x had R &gt;= F &gt; r1 (R is durable and never decreases) and
 *     aborted it. Contradiction with x in Q1.
 *   - x applied it before: then x's fence answer held W_j &gt;= r1 (j &gt;= i &gt;= x's lowest kept instance, else
 *     the fence would not exist: a compacted answer makes the read Superseded). The fence keeps the largest W_j
 *     of its answers, so a read of j at F answers a rank &gt;= r1: ranked-register safety (b).
 * </pre>
 * A fence serves only its own rank: a read at a higher rank goes to the agents (a write between F and that rank
 * may have committed since). Model-checked with mutations in {@code ActiveModelCheck}, and in the simulator.
 *
 * <p>Invariants: {@link #highestSeen} never decreases; at most one remembered value per (instance, rank); an
 * operation ends exactly once, with one {@code ReadDone}/{@code WriteDone}.
 */
public final class ActiveClientCore {
    /** Most agents per register. */
    public static final int AGENTS_MAX = 15;
    /** Most operations in progress at once (over all instances of the resource). */
    public static final int OPS_MAX = 65_536;
    /** Instances whose own last write the core remembers exactly; older ones fall under a watermark. */
    public static final int WRITES_REMEMBERED_MAX = 4096;
    /** Most sends of one operation to one agent (the deadline normally ends it long before). */
    public static final int SENDS_PER_AGENT_MAX = 1000;

    /** How an operation stands at one agent. */
    private enum AgentState { WAITING, RETRY_WAIT, ANSWERED, FAILED }

    /**
     * Quorum sizes and the fence's rank rule. Production uses majorities and exact ranks; the model checker builds
     * deliberately broken variants to show that its checks catch the bugs they claim to.
     */
    record Rules(int readQuorum, int writeQuorum, boolean fenceServesHigherRanks) {
    }

    /** A fence: a majority of {@code f_readFrom(from, rank)} answers, merged per instance. */
    private record Fence(Rank rank, long from, TreeMap<Long, RankValue> best) {
    }

    private static final class Op {
        final long id;
        final boolean write;
        final long instance;
        final Rank rank;
        final AgentRequest request;
        final AgentState[] state;
        final boolean[] heard;
        final int[] sends;
        final String[] problem;
        int answered;
        int failed;
        int aborts;
        Rank hint = Rank.ZERO;
        RankValue best = RankValue.NONE;
        final List<AgentReply.RrReadFromResult> fenceAnswers = new ArrayList<>();

        Op copy() {
            Op c = new Op(id, write, instance, rank, request, state.length);
            System.arraycopy(state, 0, c.state, 0, state.length);
            System.arraycopy(heard, 0, c.heard, 0, heard.length);
            System.arraycopy(sends, 0, c.sends, 0, sends.length);
            System.arraycopy(problem, 0, c.problem, 0, problem.length);
            c.answered = answered;
            c.failed = failed;
            c.aborts = aborts;
            c.hint = hint;
            c.best = best;
            c.fenceAnswers.addAll(fenceAnswers);
            return c;
        }

        Op(long id, boolean write, long instance, Rank rank, AgentRequest request, int agents) {
            this.id = id;
            this.write = write;
            this.instance = instance;
            this.rank = rank;
            this.request = request;
            this.state = new AgentState[agents];
            this.heard = new boolean[agents];
            this.sends = new int[agents];
            this.problem = new String[agents];
        }
    }

    private final String resource;
    private final int agents;
    private final boolean fastPath;
    private final Rules rules;
    private Rank highestSeen = Rank.ZERO;
    private Fence fence;
    private final TreeMap<Long, RankValue> written = new TreeMap<>();
    private long forgottenBelow;
    private Rank forgottenRank = Rank.ZERO;
    private final TreeMap<Long, Op> ops = new TreeMap<>();
    private long fenceReads;
    private long ownWriteReads;
    private long networkReads;
    private long writes;
    private long lateReplies;
    private long malformedReplies;
    private long retries;

    /**
     * @param resource the agents' resource name
     * @param agents   how many agents hold the register (1 to {@value #AGENTS_MAX}); a majority must answer
     * @param fastPath read with {@code f_readFrom} and answer later reads of the same rank from the fence
     */
    public ActiveClientCore(String resource, int agents, boolean fastPath) {
        this(resource, agents, fastPath, new Rules(agents / 2 + 1, agents / 2 + 1, false));
    }

    ActiveClientCore(String resource, int agents, boolean fastPath, Rules rules) {
        String problem = AgentLimits.checkResourceName(resource);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (agents < 1 || agents > AGENTS_MAX) {
            throw new IllegalArgumentException("a register needs 1 to " + AGENTS_MAX + " agents, got " + agents);
        }
        if (rules.readQuorum() < 1 || rules.readQuorum() > agents || rules.writeQuorum() < 1
                || rules.writeQuorum() > agents) {
            throw new IllegalArgumentException("quorums must be 1.." + agents + ", got " + rules);
        }
        this.resource = resource;
        this.agents = agents;
        this.fastPath = fastPath;
        this.rules = rules;
    }

    /** An independent copy in the same state (the model checker branches on it). */
    public ActiveClientCore copy() {
        ActiveClientCore c = new ActiveClientCore(resource, agents, fastPath, rules);
        c.highestSeen = highestSeen;
        c.fence = fence;
        c.written.putAll(written);
        c.forgottenBelow = forgottenBelow;
        c.forgottenRank = forgottenRank;
        for (Op o : ops.values()) {
            c.ops.put(o.id, o.copy());
        }
        c.fenceReads = fenceReads;
        c.ownWriteReads = ownWriteReads;
        c.networkReads = networkReads;
        c.writes = writes;
        c.lateReplies = lateReplies;
        c.malformedReplies = malformedReplies;
        c.retries = retries;
        return c;
    }

    public String resource() {
        return resource;
    }

    public int agents() {
        return agents;
    }

    public boolean fastPath() {
        return fastPath;
    }

    /** The highest rank this core has used or seen in any answer (R, W or an abort's hint). */
    public Rank highestSeen() {
        return highestSeen;
    }

    /** The fence's rank, or null when there is no fence. */
    public Rank fenceRank() {
        return fence == null ? null : fence.rank();
    }

    /**
     * The highest instance {@code >= from} the fence holds a value for, with its {@code (W, V)}; null when there is
     * no fence, it starts above {@code from}, or it holds no value at or above {@code from}. The fence is a complete
     * read of its rank from its first instance on (see the class comment), so an instance decided before it was
     * taken is in it: this is how a client learns which instance is the newest.
     */
    public Map.Entry<Long, RankValue> fenceTop(long from) {
        Fence f = fence;
        if (f == null || f.from() > from) {
            return null;
        }
        Map.Entry<Long, RankValue> top = f.best().lastEntry();
        return top == null || top.getKey() < from ? null : top;
    }

    /**
     * The rank to start the next proposal with: the fence's rank while it is the highest rank seen (the fast
     * path), else {@code me}'s smallest rank above every rank seen.
     */
    public Rank nextRank(ProcessId me) {
        Objects.requireNonNull(me, "me");
        if (fastPath && fence != null && fence.rank().equals(highestSeen) && me.owns(highestSeen)) {
            return highestSeen;
        }
        return me.rank(0).nextAbove(highestSeen);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations

    /** Starts {@code rrRead(instance, rank)} as operation {@code op} (an id not in use). */
    public void read(long op, long instance, Rank rank, List<ClientIo> out) {
        checkNew(op, instance, rank);
        note(rank);
        RankValue mine = written.get(instance);
        if (mine != null && rank.compareTo(mine.w()) <= 0) {
            if (rank.equals(mine.w())) {
                ownWriteReads++;
                out.add(new ClientIo.ReadDone(op, new RankedRegister.ReadValue<>(mine.w(), mine.value())));
            } else {
                out.add(new ClientIo.ReadDone(op, new RankedRegister.Preempted<>(mine.w())));
            }
            return;
        }
        if (mine == null && instance < forgottenBelow && rank.compareTo(forgottenRank) <= 0) {
            out.add(new ClientIo.ReadDone(op, new RankedRegister.Preempted<>(forgottenRank)));
            return;
        }
        Fence f = fence;
        if (fastPath && f != null && instance >= f.from()
                && (rank.equals(f.rank()) || rules.fenceServesHigherRanks() && rank.compareTo(f.rank()) > 0)) {
            fenceReads++;
            RankValue rv = f.best().getOrDefault(instance, RankValue.NONE);
            out.add(new ClientIo.ReadDone(op, rv.w().compareTo(rank) > 0 ? new RankedRegister.Preempted<>(rv.w())
                    : new RankedRegister.ReadValue<>(rv.w(), rv.value())));
            return;
        }
        networkReads++;
        AgentRequest request = fastPath ? new AgentRequest.RrReadFrom(resource, instance, Ranks.toAgent(rank))
                : new AgentRequest.RrRead(resource, instance, Ranks.toAgent(rank));
        start(new Op(op, false, instance, rank, request, agents), out);
    }

    /** Starts {@code rrWrite(instance, rank, value)} as operation {@code op} (an id not in use). */
    public void write(long op, long instance, Rank rank, ActiveValue value, List<ClientIo> out) {
        checkNew(op, instance, rank);
        Objects.requireNonNull(value, "value");
        note(rank);
        RankValue mine = written.get(instance);
        if (mine != null && (rank.compareTo(mine.w()) < 0 || rank.equals(mine.w()) && !value.equals(mine.value()))) {
            // Never a second value at one rank, never back below our own write.
            out.add(new ClientIo.WriteDone(op, new RankedRegister.Outcome.Aborted(mine.w())));
            return;
        }
        if (mine == null && instance < forgottenBelow && rank.compareTo(forgottenRank) <= 0) {
            out.add(new ClientIo.WriteDone(op, new RankedRegister.Outcome.Aborted(forgottenRank)));
            return;
        }
        remember(instance, new RankValue(rank, value));
        writes++;
        start(new Op(op, true, instance, rank, new AgentRequest.RrWrite(resource, instance, Ranks.toAgent(rank),
                value.bytes()), agents), out);
    }

    /** An agent's reply (or the connection's {@code Unavailable}) to a {@link ClientIo.Send} of operation {@code op}. */
    public void onReply(long op, int agent, AgentReply reply, List<ClientIo> out) {
        Objects.requireNonNull(reply, "reply");
        Op o = ops.get(op);
        if (o == null || agent < 0 || agent >= agents || o.state[agent] != AgentState.WAITING) {
            lateReplies++;
            return;
        }
        o.heard[agent] = true;
        if (reply instanceof AgentReply.Unavailable u) {
            notAnswered(o, agent, u.reason(), out);
        } else if (reply instanceof AgentReply.Error e) {
            if (e.code() == ErrorCode.STARTING || e.code() == ErrorCode.OVERLOADED
                    || e.code() == ErrorCode.STORAGE_FAILED) {
                notAnswered(o, agent, e.code() + ": " + e.message(), out);
            } else {
                fail(o, agent, e.code() + ": " + e.message(), out);
            }
        } else if (o.write) {
            onWriteReply(o, agent, reply, out);
        } else {
            onReadReply(o, agent, reply, out);
        }
    }

    /** The retry delay after a {@link ClientIo.RetryLater} has passed. */
    public void retry(long op, int agent, List<ClientIo> out) {
        Op o = ops.get(op);
        if (o == null || agent < 0 || agent >= agents || o.state[agent] != AgentState.RETRY_WAIT) {
            return;
        }
        retries++;
        send(o, agent, out);
    }

    /** Operation {@code op}'s deadline passed: it ends now if it has not. */
    public void onDeadline(long op, List<ClientIo> out) {
        Op o = ops.get(op);
        if (o == null) {
            return;
        }
        String why = "no majority of agents answered resource '" + resource + "' instance " + o.instance
                + " within the deadline: " + problems(o);
        if (o.write) {
            finishWrite(o, o.aborts > 0 ? new RankedRegister.Outcome.Aborted(o.hint)
                    : new RankedRegister.Outcome.Unavailable(why), out);
        } else {
            finishRead(o, new RankedRegister.ReadUnavailable<>(why), out);
        }
    }

    /** Whether operation {@code op} still waits for agent {@code agent}'s reply. */
    public boolean awaits(long op, int agent) {
        Op o = ops.get(op);
        return o != null && o.state[agent] == AgentState.WAITING;
    }

    /** Whether operation {@code op} has started and not ended. */
    public boolean inProgress(long op) {
        return ops.containsKey(op);
    }

    public int opsInProgress() {
        return ops.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Replies

    private void onReadReply(Op o, int agent, AgentReply reply, List<ClientIo> out) {
        Rank previousR;
        RankValue at;
        long lowestKept;
        AgentReply.RrReadFromResult fenceAnswer = null;
        if (o.request instanceof AgentRequest.RrRead && reply instanceof AgentReply.RrReadResult rr) {
            previousR = Ranks.fromAgent(rr.previousR());
            Rank w = Ranks.fromAgent(rr.w());
            if (previousR == null || w == null || w.equals(Rank.ZERO) && rr.value().length > 0) {
                malformed(o, agent, "a read answer with ranks out of range or a value without a rank", out);
                return;
            }
            at = w.equals(Rank.ZERO) ? RankValue.NONE : new RankValue(w, ActiveValue.of(rr.value()));
            lowestKept = rr.compacted() ? Math.max(rr.lowestKept(), o.instance + 1) : rr.lowestKept();
        } else if (o.request instanceof AgentRequest.RrReadFrom && reply instanceof AgentReply.RrReadFromResult rf) {
            previousR = Ranks.fromAgent(rf.previousR());
            at = previousR == null ? null : entryFor(rf, o.instance);
            if (at == null) {
                malformed(o, agent, "a readFrom answer with ranks out of range or instances out of order", out);
                return;
            }
            lowestKept = rf.lowestKept();
            fenceAnswer = rf;
        } else {
            malformed(o, agent, "agent answered " + o.request + " with " + reply, out);
            return;
        }
        note(previousR);
        note(at.w());
        if (lowestKept > o.instance) {
            finishRead(o, new RankedRegister.Superseded<>(lowestKept), out);
        } else if (previousR.compareTo(o.rank) > 0 || at.w().compareTo(o.rank) > 0) {
            finishRead(o, new RankedRegister.Preempted<>(Ranks.max(previousR, at.w())), out);
        } else {
            o.state[agent] = AgentState.ANSWERED;
            o.answered++;
            o.best = o.best.max(at);
            if (fenceAnswer != null) {
                o.fenceAnswers.add(fenceAnswer);
            }
            if (o.answered >= rules.readQuorum()) {
                if (fenceAnswer != null) {
                    installFence(o);
                }
                finishRead(o, new RankedRegister.ReadValue<>(o.best.w(), o.best.value()), out);
            }
        }
    }

    /**
     * Instance {@code instance}'s {@code (W, V)} in a readFrom answer ({@link RankValue#NONE} when not listed);
     * null when the answer is malformed: instances not strictly increasing, below the kept window, or ranks out of
     * range.
     */
    private static RankValue entryFor(AgentReply.RrReadFromResult rf, long instance) {
        RankValue found = RankValue.NONE;
        long previous = Long.MIN_VALUE;
        for (AgentReply.InstanceValue iv : rf.instances()) {
            Rank w = Ranks.fromAgent(iv.w());
            if (w == null || w.equals(Rank.ZERO) || iv.instance() <= previous || iv.instance() < rf.lowestKept()) {
                return null;
            }
            previous = iv.instance();
            if (iv.instance() == instance) {
                found = new RankValue(w, ActiveValue.of(iv.value()));
            }
        }
        return found;
    }

    private void installFence(Op o) {
        if (fence != null && fence.rank().compareTo(o.rank) > 0) {
            return;
        }
        TreeMap<Long, RankValue> best = new TreeMap<>();
        for (AgentReply.RrReadFromResult rf : o.fenceAnswers) {
            for (AgentReply.InstanceValue iv : rf.instances()) {
                if (iv.instance() >= o.instance) {
                    RankValue rv = new RankValue(Ranks.fromAgent(iv.w()), ActiveValue.of(iv.value()));
                    best.merge(iv.instance(), rv, RankValue::max);
                }
            }
        }
        fence = new Fence(o.rank, o.instance, best);
    }

    private void onWriteReply(Op o, int agent, AgentReply reply, List<ClientIo> out) {
        if (!(reply instanceof AgentReply.RrWriteResult w)) {
            malformed(o, agent, "agent answered " + o.request + " with " + reply, out);
            return;
        }
        switch (w.outcome()) {
            case COMMITTED -> {
                o.state[agent] = AgentState.ANSWERED;
                o.answered++;
                if (o.answered >= rules.writeQuorum()) {
                    finishWrite(o, new RankedRegister.Outcome.Committed(), out);
                }
            }
            case ABORTED -> {
                Rank hint = Ranks.fromAgent(w.hint());
                if (hint == null) {
                    malformed(o, agent, "an abort hint out of range", out);
                    return;
                }
                note(hint);
                o.state[agent] = AgentState.ANSWERED;
                o.aborts++;
                o.hint = Ranks.max(o.hint, Ranks.max(hint, o.rank));
                checkWriteLost(o, out);
            }
            case COMPACTED -> finishWrite(o, new RankedRegister.Outcome.Superseded(Math.max(w.lowestKept(),
                    o.instance + 1)), out);
            default -> throw new IllegalStateException("unknown write outcome " + w.outcome());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bookkeeping

    private void checkNew(long op, long instance, Rank rank) {
        if (ops.containsKey(op)) {
            throw new IllegalStateException("operation " + op + " is already in progress");
        }
        if (ops.size() >= OPS_MAX) {
            throw new IllegalStateException("resource '" + resource + "': " + OPS_MAX + " operations in progress");
        }
        if (instance < 0) {
            throw new IllegalArgumentException("instance must be non-negative, got " + instance);
        }
        if (Objects.requireNonNull(rank, "rank").equals(Rank.ZERO)) {
            throw new IllegalArgumentException("rank ZERO is below every operation's rank");
        }
    }

    private void note(Rank rank) {
        if (rank.compareTo(highestSeen) > 0) {
            highestSeen = rank;
        }
    }

    private void remember(long instance, RankValue rv) {
        written.put(instance, rv);
        if (written.size() > WRITES_REMEMBERED_MAX) {
            Map.Entry<Long, RankValue> oldest = written.pollFirstEntry();
            forgottenBelow = Math.max(forgottenBelow, oldest.getKey() + 1);
            forgottenRank = Ranks.max(forgottenRank, oldest.getValue().w());
        }
    }

    private void start(Op o, List<ClientIo> out) {
        ops.put(o.id, o);
        for (int a = 0; a < agents; a++) {
            send(o, a, out);
        }
    }

    private void send(Op o, int agent, List<ClientIo> out) {
        o.state[agent] = AgentState.WAITING;
        o.sends[agent]++;
        out.add(new ClientIo.Send(o.id, agent, o.request));
    }

    private void notAnswered(Op o, int agent, String why, List<ClientIo> out) {
        o.problem[agent] = why;
        if (o.sends[agent] >= SENDS_PER_AGENT_MAX) {
            fail(o, agent, why + " (" + SENDS_PER_AGENT_MAX + " tries)", out);
            return;
        }
        o.state[agent] = AgentState.RETRY_WAIT;
        out.add(new ClientIo.RetryLater(o.id, agent));
        if (o.write) {
            checkWriteLost(o, out);
        }
    }

    private void malformed(Op o, int agent, String why, List<ClientIo> out) {
        malformedReplies++;
        fail(o, agent, why, out);
    }

    private void fail(Op o, int agent, String why, List<ClientIo> out) {
        o.problem[agent] = why;
        o.state[agent] = AgentState.FAILED;
        o.failed++;
        if (o.write) {
            checkWriteLost(o, out);
        } else if (o.failed > agents - rules.readQuorum()) {
            finishRead(o, new RankedRegister.ReadUnavailable<>("resource '" + resource + "' instance " + o.instance
                    + ": too many agents failed for a majority: " + problems(o)), out);
        }
    }

    /** Ends a write that can no longer commit: too many aborts and failures, or an abort with everyone heard. */
    private void checkWriteLost(Op o, List<ClientIo> out) {
        if (!ops.containsKey(o.id)) {
            return;
        }
        boolean heardAll = true;
        for (boolean h : o.heard) {
            heardAll &= h;
        }
        if (o.aborts + o.failed > agents - rules.writeQuorum() || o.aborts > 0 && heardAll) {
            finishWrite(o, o.aborts > 0 ? new RankedRegister.Outcome.Aborted(o.hint)
                    : new RankedRegister.Outcome.Unavailable("resource '" + resource + "' instance " + o.instance
                    + ": too many agents failed for a majority: " + problems(o)), out);
        }
    }

    private void finishRead(Op o, RankedRegister.ReadOutcome<ActiveValue> outcome, List<ClientIo> out) {
        ops.remove(o.id);
        out.add(new ClientIo.ReadDone(o.id, outcome));
    }

    private void finishWrite(Op o, RankedRegister.Outcome outcome, List<ClientIo> out) {
        ops.remove(o.id);
        out.add(new ClientIo.WriteDone(o.id, outcome));
    }

    private String problems(Op o) {
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < agents; a++) {
            if (o.state[a] != AgentState.ANSWERED) {
                b.append(b.length() == 0 ? "" : "; ").append("agent ").append(a).append(": ")
                        .append(o.problem[a] == null ? "no answer yet" : o.problem[a]);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Observation

    /** Reads answered from the fence, with no message. */
    public long fenceReads() {
        return fenceReads;
    }

    /** Reads answered from this process's own write at the same rank. */
    public long ownWriteReads() {
        return ownWriteReads;
    }

    /** Reads that went to the agents. */
    public long networkReads() {
        return networkReads;
    }

    /** Writes that went to the agents. */
    public long writes() {
        return writes;
    }

    /** Replies for operations (or agents of one) that were no longer waiting. */
    public long lateReplies() {
        return lateReplies;
    }

    public long malformedReplies() {
        return malformedReplies;
    }

    public long retries() {
        return retries;
    }

    /**
     * Everything that decides this core's future behaviour except its per-agent state, with operation ids given as
     * {@code op - opBase}, for the model checker's state fingerprints ({@link #appendAgentKey} adds the per-agent
     * part, so that the checker can treat agents as interchangeable). Counters are left out.
     */
    public void appendStateKey(StringBuilder k, long opBase) {
        appendRank(k, highestSeen);
        if (fence != null) {
            k.append("F");
            appendRank(k, fence.rank());
            k.append('@').append(fence.from());
            fence.best().forEach((i, rv) -> appendRankValue(k.append(' ').append(i), rv));
        }
        k.append('|');
        written.forEach((i, rv) -> appendRankValue(k.append(' ').append(i), rv));
        k.append('|').append(forgottenBelow);
        appendRank(k, forgottenRank);
        for (Op o : ops.values()) {
            k.append("|op").append(o.id - opBase).append(o.write ? 'W' : 'R').append(o.instance);
            appendRank(k, o.rank);
            k.append(',').append(o.answered).append(',').append(o.failed).append(',').append(o.aborts);
            appendRank(k, o.hint);
            appendRankValue(k, o.best);
            for (AgentReply.RrReadFromResult rf : o.fenceAnswers) {
                k.append('[').append(rf.lowestKept());
                for (AgentReply.InstanceValue iv : rf.instances()) {
                    k.append(' ').append(iv.instance()).append('=').append(iv.w().round()).append('.')
                            .append(iv.w().idHigh()).append('.').append(iv.w().idLow()).append('/')
                            .append(java.util.Arrays.hashCode(iv.value()));
                }
                k.append(']');
            }
        }
    }

    /** The per-agent part of {@link #appendStateKey} for agent {@code agent}. */
    public void appendAgentKey(StringBuilder k, int agent, long opBase) {
        for (Op o : ops.values()) {
            k.append(o.id - opBase).append(':').append(o.state[agent].ordinal()).append(o.heard[agent] ? 'h' : '-');
        }
    }

    private static void appendRank(StringBuilder k, Rank r) {
        k.append(' ').append(r.round()).append('.').append(r.idHigh()).append('.').append(r.idLow());
    }

    private static void appendRankValue(StringBuilder k, RankValue rv) {
        appendRank(k, rv.w());
        k.append('/').append(rv.value() == null ? 0 : rv.value().hashCode());
    }
}
