package org.diskpaxos.paxos.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;

/**
 * An explicit-state model checker that runs the real {@link DiskBallot} core: every interleaving of disk I/O, I/O
 * failures, timeouts with late completions and process crashes, for a few proposers over a few disks deciding one
 * instance. Breadth-first over states, with a visited set keyed on everything that determines future behaviour.
 *
 * <p>The disk model is the paper's, plus a lying disk (an I/O failure may be a write acknowledged but never
 * landed, as a lost or misdirected write is): each (disk, process) block is read and written atomically. An I/O is issued,
 * then takes effect (a write lands; a read takes its snapshot), then its completion is delivered; any other event
 * may come between those steps. A write in flight when its process crashes either lands at the crash or never does
 * (a restarted process's storage stack has drained or dropped the old I/O: see {@link DiskBallot}).
 *
 * <p>Each proposer runs the consensus loop of {@link Consensus}: recover, rrRead, write back the value read or its
 * own, retry above the rank that beat it, at most {@code ballotsMax} ballots per incarnation.
 *
 * <p>Checked in every state: agreement (all decisions equal), validity (decisions were proposed), ranked-register
 * safety (a completed read of rank {@code r2} after a committed write of rank {@code r1 < r2} returned a rank
 * {@code >= r1}; checked when either completes, against all earlier completions), and at most one write in flight
 * per (process, disk) across incarnations.
 */
final class DiskBallotModelCheck {

    /** What the model may do. */
    record Bounds(int processes, int disks, int ballotsMax, int crashesMax, int ioFailuresMax, int timeoutsMax) {
    }

    /** What a run found. */
    record Report(long states, long transitions, int maxDepth, String violation, long decisions) {
    }

    /**
     * Deliberate bugs, to show the checker finds what it claims to: a checker that cannot fail proves nothing.
     */
    enum Mutation {
        /** The real algorithm. */
        NONE,
        /** Phase 2 writes the proposer's own value, ignoring the value phase 1 read. */
        OWN_VALUE,
        /** sanlock's run_ballot: the phase-1 write zeroes bal and inp on disk. */
        ZERO_BAL_ON_PHASE1,
        /** A restarted process skips phase 0: it sees its own blocks as initial. */
        NO_RECOVERY,
        /** A phase counts a disk without checking that the process's own write is there. */
        NO_OWN_BLOCK_CHECK
    }

    private static final long LVER = 1;

    private final Bounds bounds;
    private final Mutation mutation;

    DiskBallotModelCheck(Bounds bounds, Mutation mutation) {
        this.bounds = bounds;
        this.mutation = mutation;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The world

    /** An open-addressing set of fingerprints: 16 bytes a state instead of a boxed record in a HashSet. */
    static final class FingerprintSet {
        private long[] a = new long[1 << 16];
        private long[] b = new long[1 << 16];
        private int size;

        /** Adds {@code f}; returns whether it was new. */
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

    /** Two independent 64-bit hashes of a state's description; a collision would need both to collide. */
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

    /** One I/O between issue and completion. */
    record Pending(int process, int incarnation, long ioId, int disk, Kind kind, BallotBlock block, BallotBlock[] snapshot,
                   boolean landed, boolean timedOut) {
        enum Kind { WRITE, READ_ALL, READ_OWN }

        Pending with(BallotBlock[] snap, boolean land, boolean timeout) {
            return new Pending(process, incarnation, ioId, disk, kind, block, snap, land, timeout);
        }
    }

    /** The proposer loop around one core. */
    enum Pc { RECOVERING, READING, WRITING, DECIDED, STOPPED }

    static final class Proc {
        DiskBallot core;
        int incarnation;
        Pc pc;
        long rankBallot;
        Inp input;
        Inp writing;
        int ballots;

        Proc copy() {
            Proc p = new Proc();
            p.core = core.copy();
            p.incarnation = incarnation;
            p.pc = pc;
            p.rankBallot = rankBallot;
            p.input = input;
            p.writing = writing;
            p.ballots = ballots;
            return p;
        }
    }

    final class World {
        BallotBlock[][] disk;
        Proc[] procs;
        List<Pending> pending = new ArrayList<>();
        int crashes;
        int ioFailures;
        int timeouts;
        // History variables.
        Set<Inp> proposed = new HashSet<>();
        Inp decided;
        List<long[]> commits = new ArrayList<>();  // {ballot} of committed writes
        List<long[]> reads = new ArrayList<>();    // {ballot read at, bal returned}
        long decisions;
        String violation;

        World copy() {
            World w = new World();
            w.disk = new BallotBlock[disk.length][];
            for (int d = 0; d < disk.length; d++) {
                w.disk[d] = disk[d].clone();
            }
            w.procs = new Proc[procs.length];
            for (int i = 0; i < procs.length; i++) {
                w.procs[i] = procs[i].copy();
            }
            w.pending = new ArrayList<>(pending);
            w.crashes = crashes;
            w.ioFailures = ioFailures;
            w.timeouts = timeouts;
            w.proposed = new HashSet<>(proposed);
            w.decided = decided;
            w.commits = new ArrayList<>(commits);
            w.reads = new ArrayList<>(reads);
            w.decisions = decisions;
            return w;
        }

        /**
         * A 128-bit fingerprint of everything that determines future behaviour, canonical under permutations of
         * the disks: the disks are identical, so a state and its image under a permutation behave alike. Each
         * disk's part (its blocks, every process's per-disk state, the I/O pending on it) is rendered alone, and
         * the parts are sorted.
         */
        Fingerprint key() {
            List<String> diskParts = new ArrayList<>(disk.length);
            for (int d = 0; d < disk.length; d++) {
                StringBuilder k = new StringBuilder(128);
                for (BallotBlock b : disk[d]) {
                    k.append(b.mbal()).append(',').append(b.bal()).append(',').append(b.inp()).append(',')
                            .append(b.lver()).append(';');
                }
                for (Proc p : procs) {
                    k.append('|');
                    p.core.appendDiskKey(k, d);
                }
                List<String> pend = new ArrayList<>();
                for (Pending x : pending) {
                    if (x.disk == d) {
                        Proc owner = procs[x.process];
                        pend.add(x.process + ":" + owner.core.ioIdAge(x.ioId) + ":" + x.kind + ":" + x.block + ":"
                                + x.landed + ":" + x.timedOut);
                    }
                }
                pend.sort(null);
                k.append(pend);
                diskParts.add(k.toString());
            }
            diskParts.sort(null);
            StringBuilder k = new StringBuilder(512);
            k.append(diskParts);
            for (Proc p : procs) {
                k.append('|');
                p.core.appendGlobalKey(k);
                k.append(p.pc).append(p.rankBallot).append(p.input).append(p.writing).append(p.ballots).append('.')
                        .append(p.incarnation);
            }
            k.append('|').append(crashes).append(',').append(ioFailures).append(',').append(timeouts).append(',')
                    .append(decided);
            List<String> prop = new ArrayList<>();
            for (Inp i : proposed) {
                prop.add(i.toString());
            }
            prop.sort(null);
            k.append('|').append(prop).append('|').append(commitReadSummary());
            return Fingerprint.of(k);
        }

        /**
         * Drops reads their process no longer awaits: delivering one changes nothing but a counter, so a state with
         * it pending behaves exactly like the state without it. (Stale writes stay: they still land.)
         */
        void pruneDeadReads() {
            pending.removeIf(x -> x.kind != Pending.Kind.WRITE && !procs[x.process].core.awaitsRead(x.ioId, x.disk));
        }

        String describe() {
            StringBuilder s = new StringBuilder();
            for (int d = 0; d < disk.length; d++) {
                s.append("\n disk ").append(d).append(": ").append(Arrays.toString(disk[d]));
            }
            for (Proc p : procs) {
                s.append("\n ").append(p.core).append(' ').append(p.pc).append(" rank ").append(p.rankBallot)
                        .append(" ballots ").append(p.ballots);
            }
            for (Pending x : pending) {
                s.append("\n pending ").append(x);
            }
            return s.toString();
        }

        /** Only what future checks can use: committed ballots and (read ballot, bal returned) pairs. */
        private Object commitReadSummary() {
            java.util.TreeSet<Long> c = new java.util.TreeSet<>();
            for (long[] x : commits) {
                c.add(x[0]);
            }
            java.util.TreeSet<String> r = new java.util.TreeSet<>();
            for (long[] x : reads) {
                r.add(x[0] + "/" + x[1]);
            }
            return List.of(c, r);
        }
    }

    private World initial() {
        World w = new World();
        w.disk = new BallotBlock[bounds.disks()][bounds.processes()];
        for (BallotBlock[] d : w.disk) {
            Arrays.fill(d, BallotBlock.initial(0));
        }
        w.procs = new Proc[bounds.processes()];
        for (int i = 0; i < bounds.processes(); i++) {
            Proc p = new Proc();
            p.incarnation = 0;
            w.procs[i] = p;
            start(w, i);
        }
        return w;
    }

    /** A (re)started process: a fresh core and a fresh input, then phase 0. */
    private void start(World w, int i) {
        Proc p = w.procs[i];
        p.core = new DiskBallot(bounds.disks(), i + 1, LVER);
        p.input = new Inp(i + 1, p.incarnation, 7);
        w.proposed.add(p.input);
        p.pc = Pc.RECOVERING;
        p.rankBallot = 0;
        p.writing = null;
        p.ballots = 0;
        List<DiskIo> out = new ArrayList<>();
        p.core.recover(out);
        apply(w, i, out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reacting to the core's outputs

    private void apply(World w, int i, List<DiskIo> out) {
        for (int k = 0; k < out.size(); k++) {
            DiskIo io = out.get(k);
            Proc p = w.procs[i];
            if (io instanceof DiskIo.WriteBlock wb) {
                for (Pending x : w.pending) {
                    if (x.process == i && x.disk == wb.disk() && x.kind == Pending.Kind.WRITE) {
                        w.violation = "process " + (i + 1) + " has two writes in flight to disk " + wb.disk();
                    }
                }
                BallotBlock block = wb.block();
                if (mutation == Mutation.ZERO_BAL_ON_PHASE1 && block.bal() < block.mbal()) {
                    block = BallotBlock.initial(block.lver()).withMbal(block.mbal());
                }
                w.pending.add(new Pending(i, p.incarnation, wb.ioId(), wb.disk(), Pending.Kind.WRITE, block,
                        null, false, false));
            } else if (io instanceof DiskIo.ReadBlocks rb) {
                w.pending.add(new Pending(i, p.incarnation, rb.ioId(), rb.disk(), Pending.Kind.READ_ALL, null, null,
                        false, false));
            } else if (io instanceof DiskIo.ReadOwnBlock ro) {
                w.pending.add(new Pending(i, p.incarnation, ro.ioId(), ro.disk(), Pending.Kind.READ_OWN, null, null,
                        false, false));
            } else if (io instanceof DiskIo.Finished f) {
                List<DiskIo> next = new ArrayList<>();
                react(w, i, f.result(), next);
                out.addAll(next);
            }
        }
    }

    /** The consensus loop of {@link Consensus}, step by step. */
    private void react(World w, int i, BallotResult result, List<DiskIo> next) {
        Proc p = w.procs[i];
        int maxHosts = bounds.processes();
        Rank me = Rank.ofHost(1, i + 1);
        if (result instanceof BallotResult.Recovered r) {
            startBallot(p, me.nextAbove(Rank.ofBallot(r.dblock().mbal(), maxHosts)), maxHosts, next);
        } else if (result instanceof BallotResult.ReadDone rd) {
            w.reads.add(new long[] {p.rankBallot, rd.bal()});
            checkReadAgainstCommits(w, p.rankBallot, rd.bal());
            Inp chosen = Consensus.chooseValue(new RankedRegister.ReadValue<>(
                    Rank.ofBallot(rd.bal(), maxHosts), rd.inp().isNone() ? null : rd.inp()), p.input);
            if (mutation == Mutation.OWN_VALUE) {
                chosen = p.input;
            }
            p.pc = Pc.WRITING;
            p.writing = chosen;
            p.core.write(p.rankBallot, chosen, next);
        } else if (result instanceof BallotResult.Committed c) {
            w.commits.add(new long[] {c.bal()});
            for (long[] r : w.reads) {
                if (r[0] > c.bal() && r[1] < c.bal()) {
                    w.violation = "ranked-register safety: read at " + r[0] + " returned bal " + r[1]
                            + " but a write at " + c.bal() + " committed";
                }
            }
            if (!w.proposed.contains(c.inp())) {
                w.violation = "validity: decided " + c.inp() + " was never proposed";
            }
            if (w.decided != null && !w.decided.equals(c.inp())) {
                w.violation = "agreement: decided " + w.decided + " and " + c.inp();
            }
            w.decided = c.inp();
            w.decisions++;
            p.pc = Pc.DECIDED;
        } else if (result instanceof BallotResult.Preempted pr) {
            startBallot(p, me.nextAbove(Rank.ofBallot(Math.max(pr.highestMbalSeen(), p.rankBallot), maxHosts)),
                    maxHosts, next);
        } else if (result instanceof BallotResult.Unavailable) {
            if (!p.core.recovered()) {
                if (p.ballots >= bounds.ballotsMax()) {
                    p.pc = Pc.STOPPED;
                } else {
                    p.ballots++;
                    p.core.recover(next);
                }
                return;
            }
            startBallot(p, me.nextAbove(Rank.ofBallot(p.rankBallot, maxHosts)), maxHosts, next);
        } else if (result instanceof BallotResult.Superseded s) {
            w.violation = "superseded by lver " + s.lverSeen() + " with a single instance";
        }
    }

    private void checkReadAgainstCommits(World w, long readBallot, long balReturned) {
        for (long[] c : w.commits) {
            if (readBallot > c[0] && balReturned < c[0]) {
                w.violation = "ranked-register safety: read at " + readBallot + " returned bal " + balReturned
                        + " after a write at " + c[0] + " committed";
            }
        }
    }

    private void startBallot(Proc p, Rank rank, int maxHosts, List<DiskIo> next) {
        if (p.ballots >= bounds.ballotsMax()) {
            p.pc = Pc.STOPPED;
            return;
        }
        p.ballots++;
        p.pc = Pc.READING;
        p.rankBallot = rank.toBallot(maxHosts);
        p.core.read(p.rankBallot, next);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transitions

    private List<World> successors(World w) {
        List<World> next = new ArrayList<>();
        for (int k = 0; k < w.pending.size(); k++) {
            Pending x = w.pending.get(k);
            if (x.kind == Pending.Kind.WRITE) {
                writeSteps(w, k, x, next);
            } else {
                readSteps(w, k, x, next);
            }
        }
        if (w.crashes < bounds.crashesMax()) {
            for (int i = 0; i < w.procs.length; i++) {
                crash(w, i, next);
            }
        }
        return next;
    }

    /**
     * A write lands and its success is delivered in one step: between the two, only the writer's own view differs,
     * and the writer can be slow to act on the delivery anyway. A timed-out write may land before or after its
     * timeout is reported, or never; its late completion follows.
     */
    private void writeSteps(World w, int k, Pending x, List<World> next) {
        if (!x.timedOut) {
            World ok = w.copy();
            ok.disk[x.disk][x.process] = x.block;
            ok.pending.remove(k);
            deliverWrite(ok, x, DiskBallot.WriteStatus.OK);
            next.add(ok);
            if (w.ioFailures < bounds.ioFailuresMax()) {
                for (boolean land : new boolean[] {false, true}) {
                    World n = w.copy();
                    n.ioFailures++;
                    if (land) {
                        n.disk[x.disk][x.process] = x.block;
                    }
                    n.pending.remove(k);
                    deliverWrite(n, x, DiskBallot.WriteStatus.FAILED);
                    next.add(n);
                }
                // A lying disk: the write is acknowledged but never lands (lost or misdirected).
                World lost = w.copy();
                lost.ioFailures++;
                lost.pending.remove(k);
                deliverWrite(lost, x, DiskBallot.WriteStatus.OK);
                next.add(lost);
            }
            if (w.timeouts < bounds.timeoutsMax()) {
                for (boolean land : new boolean[] {false, true}) {
                    World n = w.copy();
                    n.timeouts++;
                    if (land) {
                        n.disk[x.disk][x.process] = x.block;
                    }
                    n.pending.set(k, x.with(null, land, true));
                    deliverWrite(n, x, DiskBallot.WriteStatus.TIMED_OUT);
                    next.add(n);
                }
            }
        } else {
            if (!x.landed) {
                World n = w.copy();
                n.disk[x.disk][x.process] = x.block;
                n.pending.set(k, x.with(null, true, true));
                next.add(n);
            }
            World n = w.copy();
            n.pending.remove(k);
            deliverWrite(n, x, DiskBallot.WriteStatus.LATE);
            next.add(n);
        }
    }

    /**
     * A read takes its snapshot when it is delivered. Taking it earlier and delivering it later only matters if
     * other completions of the same process come between; those commute with it unless one of them ends the phase,
     * and then this read is ignored whatever it saw.
     */
    private void readSteps(World w, int k, Pending x, List<World> next) {
        World n = w.copy();
        n.pending.remove(k);
        List<DiskIo> out = new ArrayList<>();
        DiskBallot core = n.procs[x.process].core;
        if (x.kind == Pending.Kind.READ_ALL) {
            BallotBlock[] snapshot = w.disk[x.disk].clone();
            if (mutation == Mutation.ZERO_BAL_ON_PHASE1 || mutation == Mutation.NO_OWN_BLOCK_CHECK) {
                snapshot[x.process] = core.dblock(); // sanlock zeroes its in-memory block too; or: look away
            }
            core.onBlocksRead(x.ioId, x.disk, snapshot, out);
        } else {
            core.onOwnBlockRead(x.ioId, x.disk,
                    mutation == Mutation.NO_RECOVERY ? BallotBlock.initial(0) : w.disk[x.disk][x.process], out);
        }
        apply(n, x.process, out);
        next.add(n);
        if (w.ioFailures < bounds.ioFailuresMax()) {
            World f = w.copy();
            f.ioFailures++;
            f.pending.remove(k);
            List<DiskIo> fout = new ArrayList<>();
            f.procs[x.process].core.onReadFailed(x.ioId, x.disk, "injected", fout);
            apply(f, x.process, fout);
            next.add(f);
        }
    }

    private void deliverWrite(World n, Pending x, DiskBallot.WriteStatus status) {
        List<DiskIo> out = new ArrayList<>();
        n.procs[x.process].core.onWriteResult(x.ioId, x.disk, status, "injected", out);
        apply(n, x.process, out);
    }

    /** Crash process i: every write it has in flight lands now or never (all combinations), then it restarts. */
    private void crash(World w, int i, List<World> next) {
        List<Pending> writes = new ArrayList<>();
        for (Pending x : w.pending) {
            if (x.process == i && x.kind == Pending.Kind.WRITE && !x.landed) {
                writes.add(x);
            }
        }
        for (int mask = 0; mask < (1 << writes.size()); mask++) {
            World n = w.copy();
            n.crashes++;
            for (int b = 0; b < writes.size(); b++) {
                if ((mask & (1 << b)) != 0) {
                    Pending x = writes.get(b);
                    n.disk[x.disk][x.process] = x.block;
                }
            }
            n.pending.removeIf(x -> x.process == i);
            n.procs[i].incarnation++;
            start(n, i);
            next.add(n);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code main(processes, disks, ballots, crashes, failures, timeouts, mutation, statesMax)}: explore by hand. */
    public static void main(String[] a) {
        Bounds b = new Bounds(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]),
                Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
        long t0 = System.nanoTime();
        Report r = new DiskBallotModelCheck(b, Mutation.valueOf(a[6])).run(Long.parseLong(a[7]));
        System.out.printf("%s %s: %,d states %,d transitions depth %d decisions %d violation %s in %.1f s%n", b, a[6],
                r.states(), r.transitions(), r.maxDepth(), r.decisions(), r.violation(), (System.nanoTime() - t0) / 1e9);
    }

    /** Depth-first search over all reachable states (a stack keeps the frontier small). */
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
        while (!stack.isEmpty()) {
            World w = stack.pop();
            int dep = depth.pop();
            maxDepth = Math.max(maxDepth, dep);
            decisions = Math.max(decisions, w.decisions);
            for (World n : successors(w)) {
                transitions++;
                if (n.violation != null) {
                    return new Report(seen.size(), transitions, dep + 1, n.violation, decisions);
                }
                n.pruneDeadReads();
                if (seen.add(n.key())) {
                    if (seen.size() > statesMax) {
                        throw new IllegalStateException("more than " + statesMax + " states (depth " + maxDepth
                                + "); shrink the bounds. A deep state: " + n.describe());
                    }
                    stack.push(n);
                    depth.push(dep + 1);
                }
            }
        }
        return new Report(seen.size(), transitions, maxDepth, null, decisions);
    }
}
