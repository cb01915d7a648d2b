package org.diskpaxos.activedisk.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.ErrorCode;

/**
 * The registers of one resource and the read-modify-write functions on them (Chockler and Malkhi, algorithms.md
 * §2.4 and §2.7): one read rank {@code R} for the whole resource, and a window of K instance slots, each holding
 * {@code (instance, W, V)}. The agent core, the in-host register file and the tests all run these same functions.
 *
 * <pre>
 *   f_read(i, r):      R := max(R, r); return (old R, W_i, V_i)
 *   f_readFrom(j, r):  R := max(R, r); return old R and {(i, W_i, V_i) : i &gt;= j kept, W_i &gt; 0}
 *   f_write(i, r, v):  if W_i == r &amp;&amp; V_i == v &amp;&amp; r &gt; 0        commit (a retry; nothing changes)
 *                      else if R &lt;= r &amp;&amp; W_i &lt; r                 (W_i, V_i) := (r, v); commit
 *                      else                                      abort with hint max(R, W_i)
 * </pre>
 *
 * <p><b>Window.</b> Instance {@code i} lives in slot {@code i mod K}. The kept window is the K instances up to
 * the highest one stored ({@code maxInstance}); below it an instance is <em>compacted</em>: reads say so and
 * writes answer {@code COMPACTED} without changing anything. A slot holding an instance other than {@code i}
 * (necessarily an older, compacted one) means {@code i} was never written: {@code W_i = 0}.
 *
 * <p><b>Damage.</b> A slot (or {@code R}) that could not be read back from the device is damaged: every operation
 * that needs it answers {@link ErrorCode#CORRUPT} and changes nothing; the agent then counts as a faulty object for
 * this resource.
 *
 * <p>Invariants: {@code R} and each slot's {@code W} (for a fixed instance) never decrease; a slot changes only
 * through a committing write.
 */
public final class ResourceRegisters {
    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final int window;
    private AgentRank r = AgentRank.ZERO;
    private boolean rDamaged;
    private final long[] instance;
    private final AgentRank[] w;
    private final byte[][] v;
    private final boolean[] damaged;

    /** What one operation did: its reply, and which state it changed ({@code slotChanged} is -1 for none). */
    public record Result(AgentReply reply, boolean rChanged, int slotChanged) {
        static Result of(AgentReply reply) {
            return new Result(reply, false, -1);
        }

        public boolean changed() {
            return rChanged || slotChanged >= 0;
        }
    }

    public ResourceRegisters(String name, int window) {
        this.name = Objects.requireNonNull(name, "name");
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.window = window;
        this.instance = new long[window];
        this.w = new AgentRank[window];
        this.v = new byte[window][];
        this.damaged = new boolean[window];
        for (int k = 0; k < window; k++) {
            clearSlot(k);
        }
    }

    public String name() {
        return name;
    }

    public int window() {
        return window;
    }

    public AgentRank r() {
        return r;
    }

    public boolean rDamaged() {
        return rDamaged;
    }

    /** The instance in slot {@code k}; -1 when empty. */
    public long slotInstance(int k) {
        return instance[k];
    }

    public AgentRank slotW(int k) {
        return w[k];
    }

    public byte[] slotValue(int k) {
        return v[k].clone();
    }

    public boolean slotDamaged(int k) {
        return damaged[k];
    }

    /** Loading: sets R as read from the device. */
    public void loadR(AgentRank rank) {
        this.r = Objects.requireNonNull(rank);
    }

    public void markRDamaged() {
        this.rDamaged = true;
    }

    /** Loading: sets slot {@code k} as read from the device. */
    public void loadSlot(int k, long inst, AgentRank rank, byte[] value) {
        if (inst < 0 || rank.isZero() || Long.remainderUnsigned(inst, window) != k) {
            throw new IllegalArgumentException("instance " + inst + " with W " + rank + " does not belong in slot "
                    + k + " of " + window);
        }
        instance[k] = inst;
        w[k] = rank;
        v[k] = value.clone();
    }

    public void markSlotDamaged(int k) {
        damaged[k] = true;
    }

    private void clearSlot(int k) {
        instance[k] = -1;
        w[k] = AgentRank.ZERO;
        v[k] = EMPTY;
    }

    /** The highest instance stored in an undamaged slot; -1 when none. */
    public long maxInstance() {
        long max = -1;
        for (int k = 0; k < window; k++) {
            if (!damaged[k] && instance[k] > max) {
                max = instance[k];
            }
        }
        return max;
    }

    /** The lowest instance not compacted. */
    public long lowestKept() {
        long max = maxInstance();
        return max < window ? 0 : max - window + 1;
    }

    public int slotOf(long inst) {
        return (int) Long.remainderUnsigned(inst, window);
    }

    /** {@code f_read}. */
    public Result read(long inst, AgentRank rank) {
        if (rDamaged) {
            return Result.of(corrupt("its read rank R"));
        }
        long low = lowestKept();
        boolean compacted = inst < low;
        int k = slotOf(inst);
        if (!compacted && damaged[k]) {
            return Result.of(corrupt("instance slot " + k));
        }
        AgentRank old = r;
        boolean raise = old.lessThan(rank);
        if (raise) {
            r = rank;
        }
        AgentReply reply;
        if (compacted || instance[k] != inst) {
            reply = new AgentReply.RrReadResult(old, AgentRank.ZERO, EMPTY, compacted, low);
        } else {
            reply = new AgentReply.RrReadResult(old, w[k], v[k], false, low);
        }
        return new Result(reply, raise, -1);
    }

    /** {@code f_readFrom}: every kept instance at or above {@code from} with a value, in instance order. */
    public Result readFrom(long from, AgentRank rank) {
        if (rDamaged) {
            return Result.of(corrupt("its read rank R"));
        }
        for (int k = 0; k < window; k++) {
            if (damaged[k]) {
                return Result.of(corrupt("instance slot " + k));
            }
        }
        long low = lowestKept();
        List<AgentReply.InstanceValue> found = new ArrayList<>();
        for (int k = 0; k < window; k++) {
            if (instance[k] >= 0 && instance[k] >= low && instance[k] >= from) {
                found.add(new AgentReply.InstanceValue(instance[k], w[k], v[k]));
            }
        }
        found.sort((a, b) -> Long.compare(a.instance(), b.instance()));
        AgentRank old = r;
        boolean raise = old.lessThan(rank);
        if (raise) {
            r = rank;
        }
        return new Result(new AgentReply.RrReadFromResult(old, low, found), raise, -1);
    }

    /** {@code f_write}, with the idempotent retry. */
    public Result write(long inst, AgentRank rank, byte[] value) {
        if (rDamaged) {
            return Result.of(corrupt("its read rank R"));
        }
        long low = lowestKept();
        if (inst < low) {
            return Result.of(new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMPACTED, AgentRank.ZERO, low));
        }
        int k = slotOf(inst);
        if (damaged[k]) {
            return Result.of(corrupt("instance slot " + k));
        }
        boolean here = instance[k] == inst;
        AgentRank wi = here ? w[k] : AgentRank.ZERO;
        byte[] vi = here ? v[k] : EMPTY;
        if (!rank.isZero() && wi.equals(rank) && Arrays.equals(vi, value)) {
            return Result.of(new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMMITTED, AgentRank.ZERO, low));
        }
        if (r.compareTo(rank) <= 0 && wi.lessThan(rank)) {
            instance[k] = inst;
            w[k] = rank;
            v[k] = value.clone();
            return new Result(new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMMITTED, AgentRank.ZERO,
                    lowestKept()), false, k);
        }
        return Result.of(new AgentReply.RrWriteResult(AgentReply.WriteOutcome.ABORTED, AgentRank.max(r, wi), low));
    }

    private AgentReply corrupt(String what) {
        return new AgentReply.Error(ErrorCode.CORRUPT, "resource '" + name + "': " + what + " is damaged on the "
                + "agent's device; this agent cannot answer for it (the other agents can)");
    }
}
