package org.diskpaxos.paxos.active.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.core.ResourceRegisters;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;

/**
 * An explicit-state model checker for Active Disk Paxos that runs the real client core ({@link ActiveClientCore},
 * fast path included) against the agent's real register functions ({@link ResourceRegisters}): every interleaving
 * of a few proposers deciding a few consensus instances over a few agents, with messages lost, duplicated and
 * reordered, requests timing out (their late replies dropped, as the connection does), operation deadlines, agent
 * crashes and proposer crashes. Depth-first over states, with a visited set of 128-bit fingerprints of everything
 * that determines future behaviour.
 *
 * <p>Model of the network and the agents: a request is a message; delivering it applies the register function at
 * the agent atomically (the agent serializes per resource) and, if the proposer still awaits that attempt, the
 * proposer processes the reply in the same step, or the reply is lost (budget) and the proposer may time out. Any
 * request may be delivered next (reordering), lost (budget) or delivered and kept for a second delivery
 * (duplication, budget); a request whose attempt is no longer awaited (timed out, operation ended, old
 * incarnation) still takes effect when delivered, and its reply is dropped, as the connection drops late replies.
 * Processing a reply at the moment the agent applies the request loses no behaviour that matters: the delivery
 * commutes with every event but the same proposer's own, and a proposer's live replies all belong to its one
 * operation in progress and come from different agents, whose applications may be taken in any order. An agent
 * crash drops every request in flight to it and keeps its registers: the agent persists every change before it
 * replies, and a change lost with an unsynced batch is one whose reply was never sent, which the model covers as
 * "applied, reply lost" or "request lost". A proposer crash drops its state; its requests in flight may still
 * arrive; it restarts with a new process id (drawn below or above every other id: both orders are explored) and
 * proposes again from the first instance.
 *
 * <p>Each proposer runs the loop of {@link Consensus} (start at {@link ActiveClientCore#nextRank}, rrRead, write
 * back the value read or its own, retry above the rank that beat it), instance after instance, at most
 * {@code ballotsMax} operations pairs per incarnation. With the fast path, the second instance's read is answered
 * by the first one's fence.
 *
 * <p>Checked in every state: agreement and validity per instance; ranked-register safety (a read of rank
 * {@code r2} returned a rank {@code >= r1} for every committed write of rank {@code r1 < r2}, whichever came
 * first); one value per (instance, rank) among all writes sent; and the stronger Paxos invariant: every write sent
 * with a rank above the smallest committed rank carries the committed value.
 */
final class ActiveModelCheck {

    /** What the model may do. */
    record Bounds(int proposers, int agents, int instances, int window, boolean fastPath, int ballotsMax,
                  int losses, int duplicates, int timeouts, int deadlines, int agentCrashes, int proposerCrashes) {
    }

    /** What a run found. */
    record Report(long states, long transitions, int maxDepth, String violation, long decisions,
                  long fenceReads) {
    }

    /** Deliberate bugs: a checker that cannot fail proves nothing. */
    enum Mutation {
        /** The real client. */
        NONE,
        /** Phase 2 writes the proposer's own value, ignoring the value read. */
        OWN_VALUE,
        /** A read (and so a fence) returns after one agent's answer. */
        READ_FROM_ONE_AGENT,
        /** A write commits on one agent's commit. */
        COMMIT_ON_ONE_AGENT,
        /** The fence also answers reads of ranks above its own. */
        FENCE_ANSWERS_HIGHER_RANKS,
        /** An agent's "compacted" is taken as an empty register. */
        COMPACTED_AS_EMPTY,
        /** A reply to an earlier operation of the process is taken as the current operation's. */
        LATE_REPLIES_ACCEPTED
    }

    private static final String RESOURCE = "m";
    private static final boolean PROGRESS = System.getProperty("mc.progress") != null;

    private final Bounds bounds;
    private final Mutation mutation;
    private final ActiveClientCore.Rules rules;

    ActiveModelCheck(Bounds bounds, Mutation mutation) {
        this.bounds = bounds;
        this.mutation = mutation;
        int majority = bounds.agents() / 2 + 1;
        this.rules = new ActiveClientCore.Rules(mutation == Mutation.READ_FROM_ONE_AGENT ? 1 : majority,
                mutation == Mutation.COMMIT_ON_ONE_AGENT ? 1 : majority,
                mutation == Mutation.FENCE_ANSWERS_HIGHER_RANKS);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The world

    /** An agent's registers for the one resource: R and the window's slots, immutable. */
    record AgentState(AgentRank r, long[] instance, AgentRank[] w, byte[][] v) {
        static AgentState initial(int window) {
            long[] inst = new long[window];
            java.util.Arrays.fill(inst, -1);
            AgentRank[] w = new AgentRank[window];
            java.util.Arrays.fill(w, AgentRank.ZERO);
            return new AgentState(AgentRank.ZERO, inst, w, new byte[window][0]);
        }

        ResourceRegisters load() {
            ResourceRegisters regs = new ResourceRegisters(RESOURCE, instance.length);
            regs.loadR(r);
            for (int k = 0; k < instance.length; k++) {
                if (instance[k] >= 0) {
                    regs.loadSlot(k, instance[k], w[k], v[k]);
                }
            }
            return regs;
        }

        static AgentState of(ResourceRegisters regs) {
            int n = regs.window();
            long[] inst = new long[n];
            AgentRank[] w = new AgentRank[n];
            byte[][] v = new byte[n][];
            for (int k = 0; k < n; k++) {
                inst[k] = regs.slotInstance(k);
                w[k] = regs.slotW(k);
                v[k] = regs.slotValue(k);
            }
            return new AgentState(regs.r(), inst, w, v);
        }

        void key(StringBuilder k) {
            k.append(r);
            for (int s = 0; s < instance.length; s++) {
                k.append(';').append(instance[s]).append('=').append(w[s]).append('/')
                        .append(java.util.Arrays.hashCode(v[s]));
            }
        }
    }

    /** A completed read: its instance, its rank and the rank it returned. */
    record ReadRec(long instance, Rank rank, Rank returned) {
    }

    /** A request in the network: one attempt of one operation of one proposer, to one agent. */
    record Msg(int proc, int incarnation, long op, int agent, long attempt, AgentRequest request) {
    }

    enum Pc { READING, WRITING, DONE, STOPPED }

    static final class Proc {
        ActiveClientCore core;
        ProcessId id;
        int incarnation;
        Pc pc;
        long instance;
        Rank rank;
        ActiveValue writing;
        int ballots;
        long op;
        long nextOp = 1;
        long nextAttempt = 1;
        /** Outstanding attempt per (op, agent), keyed {@link #slot}: what the connection still waits for. */
        TreeMap<Long, Long> outstanding = new TreeMap<>();

        Proc copy() {
            Proc p = new Proc();
            p.core = core.copy();
            p.id = id;
            p.incarnation = incarnation;
            p.pc = pc;
            p.instance = instance;
            p.rank = rank;
            p.writing = writing;
            p.ballots = ballots;
            p.op = op;
            p.nextOp = nextOp;
            p.nextAttempt = nextAttempt;
            p.outstanding = new TreeMap<>(outstanding);
            return p;
        }

        static long slot(long op, int agent) {
            return op * 16 + agent;
        }
    }

    final class World {
        AgentState[] agents;
        Proc[] procs;
        List<Msg> net = new ArrayList<>();
        int losses;
        int duplicates;
        int timeouts;
        int deadlines;
        int agentCrashes;
        int proposerCrashes;
        int idsDrawn;
        // History.
        TreeMap<Long, TreeSet<String>> proposed = new TreeMap<>();
        TreeMap<Long, ActiveValue> decided = new TreeMap<>();
        TreeMap<Long, TreeMap<Rank, ActiveValue>> writesSent = new TreeMap<>();
        TreeMap<Long, TreeMap<Rank, ActiveValue>> commits = new TreeMap<>();
        TreeSet<String> readKeys = new TreeSet<>();
        List<ReadRec> readLog = new ArrayList<>();
        long decisions;
        String violation;

        World copy() {
            World w = new World();
            w.agents = agents.clone();
            w.procs = new Proc[procs.length];
            for (int i = 0; i < procs.length; i++) {
                w.procs[i] = procs[i].copy();
            }
            w.net = new ArrayList<>(net);
            w.losses = losses;
            w.duplicates = duplicates;
            w.timeouts = timeouts;
            w.deadlines = deadlines;
            w.agentCrashes = agentCrashes;
            w.proposerCrashes = proposerCrashes;
            w.idsDrawn = idsDrawn;
            w.proposed = deepCopySets(proposed);
            w.decided = new TreeMap<>(decided);
            w.writesSent = deepCopyMaps(writesSent);
            w.commits = deepCopyMaps(commits);
            w.readKeys = new TreeSet<>(readKeys);
            w.readLog = new ArrayList<>(readLog);
            w.decisions = decisions;
            w.violation = violation;
            return w;
        }

        /**
         * A fingerprint of everything that determines future behaviour, canonical under permutations of the
         * agents (they are interchangeable): each agent's part (its registers, the messages to and from it, every
         * proposer's per-agent state) is rendered alone, and the parts are sorted.
         */
        Fingerprint key() {
            List<String> parts = new ArrayList<>(agents.length);
            for (int a = 0; a < agents.length; a++) {
                StringBuilder k = new StringBuilder(256);
                agents[a].key(k);
                List<String> msgs = new ArrayList<>();
                for (Msg m : net) {
                    if (m.agent() == a) {
                        Proc p = procs[m.proc()];
                        msgs.add(m.proc() + "." + (p.incarnation - m.incarnation()) + ":" + (m.op() - p.nextOp) + ":"
                                + (live(this, m) ? "live:" : "dead:") + requestKey(m.request()));
                    }
                }
                msgs.sort(null);
                k.append(msgs);
                for (Proc p : procs) {
                    k.append('|');
                    p.core.appendAgentKey(k, a, p.nextOp);
                    for (long slot : p.outstanding.keySet()) {
                        if (slot % 16 == a) {
                            k.append(' ').append(slot / 16 - p.nextOp);
                        }
                    }
                }
                parts.add(k.toString());
            }
            parts.sort(null);
            StringBuilder k = new StringBuilder(1024);
            k.append(parts);
            for (Proc p : procs) {
                k.append("|P").append(p.id.high()).append(p.pc).append(p.instance).append('@').append(p.rank)
                        .append(',').append(p.writing == null ? 0 : p.writing.hashCode()).append(',')
                        .append(p.ballots).append(',').append(p.op - p.nextOp).append(',');
                p.core.appendStateKey(k, p.nextOp);
            }
            k.append('|').append(losses).append(duplicates).append(timeouts).append(deadlines).append(agentCrashes)
                    .append(proposerCrashes).append(idsDrawn).append(proposed);
            decided.forEach((i, v) -> k.append(' ').append(i).append('=').append(v.hashCode()));
            writesSent.forEach((i, m) -> m.forEach((r, v) -> k.append(' ').append(i).append(r).append('=')
                    .append(v.hashCode())));
            k.append(commitRanks()).append(readKeys);
            return Fingerprint.of(k);
        }

        private Object commitRanks() {
            TreeMap<Long, TreeSet<Rank>> c = new TreeMap<>();
            commits.forEach((i, m) -> c.put(i, new TreeSet<>(m.keySet())));
            return c;
        }

        /**
         * Drops requests nobody awaits whose application can never change anything: a read at a rank at or below the
         * agent's R, a write its register would refuse (R above its rank, W at or above it) or already holds, an
         * instance below the kept window. R, W and the window only grow, so they stay no-ops forever: delivering
         * them is a stutter, and dropping them removes only duplicate interleavings.
         */
        void pruneDeadNoOps() {
            net.removeIf(m -> !live(this, m) && noOp(agents[m.agent()], m.request()));
        }

        String describe() {
            StringBuilder s = new StringBuilder();
            for (int a = 0; a < agents.length; a++) {
                StringBuilder k = new StringBuilder();
                agents[a].key(k);
                s.append("\n agent ").append(a).append(": ").append(k);
            }
            for (Proc p : procs) {
                s.append("\n proc ").append(p.id).append(' ').append(p.pc).append(" instance ").append(p.instance)
                        .append(" rank ").append(p.rank);
            }
            for (Msg m : net) {
                s.append("\n msg ").append(m);
            }
            return s.toString();
        }
    }

    private static String requestKey(AgentRequest r) {
        if (r instanceof AgentRequest.RrWrite w) {
            return "W" + w.instance() + w.rank() + "/" + java.util.Arrays.hashCode(w.value());
        }
        if (r instanceof AgentRequest.RrReadFrom f) {
            return "F" + f.fromInstance() + f.rank();
        }
        AgentRequest.RrRead rr = (AgentRequest.RrRead) r;
        return "R" + rr.instance() + rr.rank();
    }

    private static <K, V extends Comparable<V>> TreeMap<K, TreeSet<V>> deepCopySets(TreeMap<K, TreeSet<V>> m) {
        TreeMap<K, TreeSet<V>> c = new TreeMap<>();
        m.forEach((k, v) -> c.put(k, new TreeSet<>(v)));
        return c;
    }

    private static <K, A, B> TreeMap<K, TreeMap<A, B>> deepCopyMaps(TreeMap<K, TreeMap<A, B>> m) {
        TreeMap<K, TreeMap<A, B>> c = new TreeMap<>();
        m.forEach((k, v) -> c.put(k, new TreeMap<>(v)));
        return c;
    }

    private static boolean noOp(AgentState a, AgentRequest request) {
        if (request instanceof AgentRequest.RrRead r) {
            return r.rank().compareTo(a.r()) <= 0;
        }
        if (request instanceof AgentRequest.RrReadFrom r) {
            return r.rank().compareTo(a.r()) <= 0;
        }
        AgentRequest.RrWrite w = (AgentRequest.RrWrite) request;
        long maxInstance = -1;
        for (long i : a.instance()) {
            maxInstance = Math.max(maxInstance, i);
        }
        int window = a.instance().length;
        if (w.instance() <= maxInstance - window) {
            return true;
        }
        if (a.r().compareTo(w.rank()) > 0) {
            return true;
        }
        int slot = (int) (w.instance() % window);
        return a.instance()[slot] == w.instance() && a.w()[slot].compareTo(w.rank()) >= 0;
    }

    private static boolean live(World w, Msg m) {
        Proc p = w.procs[m.proc()];
        Long attempt = p.outstanding.get(Proc.slot(m.op(), m.agent()));
        return p.incarnation == m.incarnation() && attempt != null && attempt == m.attempt();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Proposers

    private World initial() {
        World w = new World();
        w.agents = new AgentState[bounds.agents()];
        java.util.Arrays.fill(w.agents, AgentState.initial(bounds.window()));
        w.procs = new Proc[bounds.proposers()];
        for (int i = 0; i < bounds.proposers(); i++) {
            Proc p = new Proc();
            w.procs[i] = p;
            p.id = new ProcessId(10 + 10L * i, 1);
            start(w, i);
        }
        return w;
    }

    private ActiveValue input(int proc, int incarnation, long instance) {
        return ActiveValue.ofUtf8("p" + proc + "." + incarnation + "." + instance);
    }

    /** A (re)started proposer: a fresh core, from the first instance. */
    private void start(World w, int i) {
        Proc p = w.procs[i];
        p.core = new ActiveClientCore(RESOURCE, bounds.agents(), bounds.fastPath(), rules);
        p.ballots = 0;
        p.outstanding.clear();
        beginInstance(w, i, 0);
    }

    private void beginInstance(World w, int i, long instance) {
        Proc p = w.procs[i];
        if (instance >= bounds.instances()) {
            p.pc = Pc.DONE;
            return;
        }
        p.instance = instance;
        w.proposed.computeIfAbsent(instance, k -> new TreeSet<>()).add(input(i, p.incarnation, instance).toString());
        read(w, i, p.core.nextRank(p.id));
    }

    private void read(World w, int i, Rank rank) {
        Proc p = w.procs[i];
        if (p.ballots >= bounds.ballotsMax()) {
            p.pc = Pc.STOPPED;
            return;
        }
        p.ballots++;
        p.pc = Pc.READING;
        p.rank = rank;
        p.writing = null;
        p.op = p.nextOp++;
        List<ClientIo> out = new ArrayList<>();
        p.core.read(p.op, p.instance, rank, out);
        apply(w, i, out);
    }

    private void write(World w, int i, ActiveValue value) {
        Proc p = w.procs[i];
        p.pc = Pc.WRITING;
        p.writing = value;
        p.op = p.nextOp++;
        List<ClientIo> out = new ArrayList<>();
        p.core.write(p.op, p.instance, p.rank, value, out);
        apply(w, i, out);
    }

    /** Executes a core's outputs: sends become messages, retries are sent at once, ends drive the proposer. */
    private void apply(World w, int i, List<ClientIo> out) {
        for (int k = 0; k < out.size(); k++) {
            ClientIo io = out.get(k);
            Proc p = w.procs[i];
            if (io instanceof ClientIo.Send s) {
                if (s.request() instanceof AgentRequest.RrWrite wr) {
                    checkWriteSent(w, p.instance, Ranks.fromAgent(wr.rank()), ActiveValue.of(wr.value()));
                }
                long attempt = p.nextAttempt++;
                p.outstanding.put(Proc.slot(s.op(), s.agent()), attempt);
                w.net.add(new Msg(i, p.incarnation, s.op(), s.agent(), attempt, s.request()));
            } else if (io instanceof ClientIo.RetryLater r) {
                p.core.retry(r.op(), r.agent(), out);
            } else if (io instanceof ClientIo.ReadDone d) {
                dropOutstanding(p, d.op());
                afterRead(w, i, d.outcome());
            } else if (io instanceof ClientIo.WriteDone d) {
                dropOutstanding(p, d.op());
                afterWrite(w, i, d.outcome());
            }
        }
    }

    /** The driver cancels nothing at the connection when an operation ends; its pending replies come late. */
    private static void dropOutstanding(Proc p, long op) {
        p.outstanding.subMap(Proc.slot(op, 0), Proc.slot(op + 1, 0)).clear();
    }

    private void afterRead(World w, int i, RankedRegister.ReadOutcome<ActiveValue> outcome) {
        Proc p = w.procs[i];
        if (outcome instanceof RankedRegister.ReadValue<ActiveValue> rv) {
            recordRead(w, p.instance, p.rank, rv.rank());
            ActiveValue own = input(i, p.incarnation, p.instance);
            ActiveValue chosen = mutation == Mutation.OWN_VALUE ? own : Consensus.chooseValue(rv, own);
            write(w, i, chosen);
        } else if (outcome instanceof RankedRegister.Preempted<ActiveValue> pr) {
            read(w, i, p.rank.nextAbove(pr.highestSeen()));
        } else if (outcome instanceof RankedRegister.Superseded<ActiveValue>) {
            beginInstance(w, i, p.instance + 1);
        } else {
            read(w, i, p.rank.nextAbove(p.rank));
        }
    }

    private void afterWrite(World w, int i, RankedRegister.Outcome outcome) {
        Proc p = w.procs[i];
        if (outcome instanceof RankedRegister.Outcome.Committed) {
            recordCommit(w, p.instance, p.rank, p.writing);
            w.decisions++;
            beginInstance(w, i, p.instance + 1);
        } else if (outcome instanceof RankedRegister.Outcome.Aborted a) {
            read(w, i, p.rank.nextAbove(a.highestSeen()));
        } else if (outcome instanceof RankedRegister.Outcome.Superseded) {
            beginInstance(w, i, p.instance + 1);
        } else {
            read(w, i, p.rank.nextAbove(p.rank));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks

    private void violation(World w, String what) {
        if (w.violation == null) {
            w.violation = what;
        }
    }

    private void recordRead(World w, long instance, Rank rank, Rank returned) {
        TreeMap<Rank, ActiveValue> c = w.commits.getOrDefault(instance, new TreeMap<>());
        for (Rank r1 : c.keySet()) {
            if (r1.compareTo(rank) < 0 && returned.compareTo(r1) < 0) {
                violation(w, "ranked-register safety: instance " + instance + ": a read at " + rank + " returned "
                        + returned + " after a write at " + r1 + " committed");
            }
        }
        if (w.readKeys.add(instance + ":" + rank + ">" + returned)) {
            w.readLog.add(new ReadRec(instance, rank, returned));
        }
    }

    private void recordCommit(World w, long instance, Rank rank, ActiveValue value) {
        if (!w.proposed.getOrDefault(instance, new TreeSet<>()).contains(value.toString())) {
            violation(w, "validity: instance " + instance + " committed " + value + ", never proposed");
        }
        ActiveValue d = w.decided.get(instance);
        if (d != null && !d.equals(value)) {
            violation(w, "agreement: instance " + instance + " decided " + d + " and " + value + " (at " + rank + ")");
        }
        w.decided.put(instance, value);
        for (ReadRec r : w.readLog) {
            if (r.instance() == instance && r.rank().compareTo(rank) > 0 && r.returned().compareTo(rank) < 0) {
                violation(w, "ranked-register safety: instance " + instance + ": a read at " + r.rank()
                        + " returned " + r.returned() + " but a write at " + rank + " committed");
            }
        }
        w.commits.computeIfAbsent(instance, k -> new TreeMap<>()).put(rank, value);
        checkStrongInvariant(w, instance);
    }

    private void checkWriteSent(World w, long instance, Rank rank, ActiveValue value) {
        TreeMap<Rank, ActiveValue> sent = w.writesSent.computeIfAbsent(instance, k -> new TreeMap<>());
        ActiveValue before = sent.putIfAbsent(rank, value);
        if (before != null && !before.equals(value)) {
            violation(w, "one value per rank: instance " + instance + " rank " + rank + " written with " + before
                    + " and " + value);
        }
        checkStrongInvariant(w, instance);
    }

    /** Every write sent above the smallest committed rank carries the committed value. */
    private void checkStrongInvariant(World w, long instance) {
        TreeMap<Rank, ActiveValue> c = w.commits.get(instance);
        if (c == null || c.isEmpty()) {
            return;
        }
        var min = c.firstEntry();
        for (var e : w.writesSent.getOrDefault(instance, new TreeMap<>()).tailMap(min.getKey(), false).entrySet()) {
            if (!e.getValue().equals(min.getValue())) {
                violation(w, "paxos invariant: instance " + instance + " committed " + min.getValue() + " at "
                        + min.getKey() + " but a write at " + e.getKey() + " carries " + e.getValue());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transitions

    private List<World> successors(World w) {
        List<World> next = new ArrayList<>();
        for (int k = 0; k < w.net.size(); k++) {
            Msg m = w.net.get(k);
            boolean live = live(w, m);
            deliverRequest(w, k, m, false, true, next);
            if (live && w.losses < bounds.losses()) {
                deliverRequest(w, k, m, false, false, next);
            }
            if (w.duplicates < bounds.duplicates()) {
                deliverRequest(w, k, m, true, true, next);
            }
            if (w.losses < bounds.losses()) {
                World n = w.copy();
                n.losses++;
                n.net.remove(k);
                next.add(n);
            }
        }
        for (int i = 0; i < w.procs.length; i++) {
            Proc p = w.procs[i];
            if (w.timeouts < bounds.timeouts()) {
                for (long slot : p.outstanding.keySet()) {
                    World n = w.copy();
                    n.timeouts++;
                    Proc q = n.procs[i];
                    q.outstanding.remove(slot);
                    List<ClientIo> out = new ArrayList<>();
                    q.core.onReply(slot / 16, (int) (slot % 16), new AgentReply.Unavailable("timed out"), out);
                    apply(n, i, out);
                    next.add(n);
                }
            }
            if (w.deadlines < bounds.deadlines() && p.core.inProgress(p.op)) {
                World n = w.copy();
                n.deadlines++;
                List<ClientIo> out = new ArrayList<>();
                n.procs[i].core.onDeadline(n.procs[i].op, out);
                apply(n, i, out);
                next.add(n);
            }
            if (w.proposerCrashes < bounds.proposerCrashes() && (p.pc == Pc.READING || p.pc == Pc.WRITING)) {
                for (boolean lowest : new boolean[] {true, false}) {
                    World n = w.copy();
                    n.proposerCrashes++;
                    n.idsDrawn++;
                    Proc q = n.procs[i];
                    q.incarnation++;
                    q.id = new ProcessId(lowest ? 1 + n.idsDrawn : 1000 + n.idsDrawn, 1);
                    start(n, i);
                    next.add(n);
                }
            }
        }
        if (w.agentCrashes < bounds.agentCrashes()) {
            for (int a = 0; a < w.agents.length; a++) {
                final int agent = a;
                if (w.net.stream().anyMatch(m -> m.agent() == agent)) {
                    World n = w.copy();
                    n.agentCrashes++;
                    n.net.removeIf(m -> m.agent() == agent);
                    next.add(n);
                }
            }
        }
        return next;
    }

    /**
     * The agent applies request {@code m} atomically and, if its attempt is still awaited and {@code replied}, the
     * proposer processes the reply in the same step. Delivering replies in the order the agent applied the requests
     * loses no behaviour that matters here: a reply's delivery commutes with every event but the same proposer's
     * own, and a proposer's replies to one operation come from different agents, whose applications can be taken
     * in either order (see the class comment). {@code keep}: a duplicate, the request stays in the network.
     * {@code replied == false}: the reply is lost (the proposer will time out).
     */
    private void deliverRequest(World w, int k, Msg m, boolean keep, boolean replied, List<World> next) {
        World n = w.copy();
        if (keep) {
            n.duplicates++;
        } else {
            n.net.remove(k);
        }
        if (!replied) {
            n.losses++;
        }
        ResourceRegisters regs = n.agents[m.agent()].load();
        AgentReply reply;
        if (m.request() instanceof AgentRequest.RrRead r) {
            reply = regs.read(r.instance(), r.rank()).reply();
        } else if (m.request() instanceof AgentRequest.RrReadFrom r) {
            reply = regs.readFrom(r.fromInstance(), r.rank()).reply();
        } else {
            AgentRequest.RrWrite wr = (AgentRequest.RrWrite) m.request();
            reply = regs.write(wr.instance(), wr.rank(), wr.value()).reply();
        }
        n.agents[m.agent()] = AgentState.of(regs);
        Proc p = n.procs[m.proc()];
        long op = m.op();
        if (!replied) {
            next.add(n);
            return;
        }
        if (live(n, m)) {
            p.outstanding.remove(Proc.slot(m.op(), m.agent()));
        } else if (mutation == Mutation.LATE_REPLIES_ACCEPTED && p.incarnation == m.incarnation()
                && m.op() != p.op && p.core.awaits(p.op, m.agent())) {
            op = p.op;
            p.outstanding.remove(Proc.slot(op, m.agent()));
        } else {
            next.add(n);
            return;
        }
        List<ClientIo> out = new ArrayList<>();
        p.core.onReply(op, m.agent(), mutate(reply, m), out);
        apply(n, m.proc(), out);
        next.add(n);
    }

    /** {@link Mutation#COMPACTED_AS_EMPTY}: the client is fed "compacted" answers as empty registers. */
    private AgentReply mutate(AgentReply reply, Msg m) {
        if (mutation != Mutation.COMPACTED_AS_EMPTY) {
            return reply;
        }
        if (reply instanceof AgentReply.RrReadResult rr && rr.compacted()) {
            return new AgentReply.RrReadResult(rr.previousR(), AgentRank.ZERO, new byte[0], false, 0);
        }
        if (reply instanceof AgentReply.RrReadFromResult rf && m.request() instanceof AgentRequest.RrReadFrom r
                && rf.lowestKept() > r.fromInstance()) {
            return new AgentReply.RrReadFromResult(rf.previousR(), 0, rf.instances());
        }
        return reply;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Depth-first search over all reachable states. */
    Report run(long statesMax) {
        World start = initial();
        FingerprintSet seen = new FingerprintSet();
        ArrayDeque<World> stack = new ArrayDeque<>();
        ArrayDeque<Integer> depth = new ArrayDeque<>();
        seen.add(start.key());
        stack.push(start);
        depth.push(0);
        long transitions = 0;
        int maxDepth = 0;
        long decisions = 0;
        long fenceReads = 0;
        while (!stack.isEmpty()) {
            World w = stack.pop();
            int dep = depth.pop();
            maxDepth = Math.max(maxDepth, dep);
            decisions = Math.max(decisions, w.decisions);
            for (Proc p : w.procs) {
                fenceReads = Math.max(fenceReads, p.core.fenceReads());
            }
            for (World n : successors(w)) {
                transitions++;
                if (n.violation != null) {
                    return new Report(seen.size(), transitions, dep + 1, n.violation + "\nin state:" + n.describe(),
                            decisions, fenceReads);
                }
                n.pruneDeadNoOps();
                if (seen.add(n.key())) {
                    if (PROGRESS && seen.size() % 1_000_000 == 0) {
                        System.err.printf("%,d states, depth %d, stack %,d%n", seen.size(), dep, stack.size());
                    }
                    if (seen.size() > statesMax) {
                        throw new IllegalStateException("more than " + statesMax + " states (depth " + maxDepth
                                + "); shrink the bounds. A deep state: " + n.describe());
                    }
                    stack.push(n);
                    depth.push(dep + 1);
                }
            }
        }
        return new Report(seen.size(), transitions, maxDepth, null, decisions, fenceReads);
    }

    /** {@code main(proposers agents instances window fastPath ballots losses dups timeouts deadlines agentCrashes
     * proposerCrashes mutation statesMax)}: explore by hand. */
    public static void main(String[] a) {
        Bounds b = new Bounds(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                Integer.parseInt(a[3]), Boolean.parseBoolean(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]),
                Integer.parseInt(a[7]), Integer.parseInt(a[8]), Integer.parseInt(a[9]), Integer.parseInt(a[10]),
                Integer.parseInt(a[11]));
        long t0 = System.nanoTime();
        Report r = new ActiveModelCheck(b, Mutation.valueOf(a[12])).run(Long.parseLong(a[13]));
        System.out.printf("%s %s: %,d states %,d transitions depth %d decisions %d fence reads %d violation %s in "
                + "%.1f s%n", b, a[12], r.states(), r.transitions(), r.maxDepth(), r.decisions(), r.fenceReads(),
                r.violation(), (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fingerprints (as in DiskBallotModelCheck)

    /** An open-addressing set of fingerprints: 16 bytes a state. */
    static final class FingerprintSet {
        private long[] a = new long[1 << 16];
        private long[] b = new long[1 << 16];
        private int size;

        boolean add(Fingerprint f) {
            long fa = f.a() == 0 && f.b() == 0 ? 1 : f.a();
            if ((size + 1) * 2 > a.length) {
                grow();
            }
            int mask = a.length - 1;
            int i = (int) (fa ^ (fa >>> 32)) & mask;
            while (a[i] != 0 || b[i] != 0) {
                if (a[i] == fa && b[i] == f.b()) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            a[i] = fa;
            b[i] = f.b();
            size++;
            return true;
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] oa = a;
            long[] ob = b;
            a = new long[oa.length * 2];
            b = new long[ob.length * 2];
            size = 0;
            for (int i = 0; i < oa.length; i++) {
                if (oa[i] != 0 || ob[i] != 0) {
                    add(new Fingerprint(oa[i], ob[i]));
                }
            }
        }
    }

    /** Two independent 64-bit hashes of a state's description. */
    record Fingerprint(long a, long b) {
        static Fingerprint of(CharSequence s) {
            long h1 = 0xcbf29ce484222325L;
            long h2 = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                h1 = (h1 ^ c) * 0x100000001b3L;
                h2 = Long.rotateLeft(h2 ^ (c * 0xff51afd7ed558ccdL), 29) * 0xc4ceb9fe1a85ec53L;
            }
            return new Fingerprint(h1, h2);
        }
    }
}
