package org.diskpaxos.activedisk;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a client gets for one request: the agent's answer, an {@link Error} the agent sent instead, or
 * {@link Unavailable} made by the client side (timeout, lost connection, too many requests in flight, closed).
 * Only the first kinds travel on the wire. A ranked register counts {@code Error} and {@code Unavailable} as "this
 * agent did not answer".
 */
public sealed interface AgentReply {

    /** One instance's register: its write rank {@code W} and value {@code V}. */
    record InstanceValue(long instance, AgentRank w, byte[] value) {
        public InstanceValue {
            Objects.requireNonNull(w, "w");
            Objects.requireNonNull(value, "value");
            if (value.length > AgentLimits.VALUE_BYTES_MAX) {
                throw new IllegalArgumentException("value of " + value.length + " bytes over the limit");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InstanceValue v && instance == v.instance && w.equals(v.w)
                    && Arrays.equals(value, v.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(instance, w, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "#" + instance + " W=" + w + " (" + value.length + " bytes)";
        }
    }

    /**
     * Answer to {@link AgentRequest.RrRead}. {@code previousR} is {@code R} before this read (if it is above the
     * read's rank, a write of that rank will abort). {@code compacted}: the instance is below the kept window
     * ({@code lowestKept}) and its register is gone; {@code w} is then ZERO.
     */
    record RrReadResult(AgentRank previousR, AgentRank w, byte[] value, boolean compacted, long lowestKept)
            implements AgentReply {
        public RrReadResult {
            Objects.requireNonNull(previousR, "previousR");
            Objects.requireNonNull(w, "w");
            Objects.requireNonNull(value, "value");
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RrReadResult r && previousR.equals(r.previousR) && w.equals(r.w)
                    && Arrays.equals(value, r.value) && compacted == r.compacted && lowestKept == r.lowestKept;
        }

        @Override
        public int hashCode() {
            return Objects.hash(previousR, w, Arrays.hashCode(value), compacted, lowestKept);
        }

        @Override
        public String toString() {
            return "RrReadResult[R was " + previousR + ", W=" + w + " (" + value.length + " bytes)"
                    + (compacted ? ", compacted below " + lowestKept : "") + "]";
        }
    }

    /**
     * Answer to {@link AgentRequest.RrReadFrom}: {@code previousR}, the lowest instance still kept (instances
     * below it that were asked for are compacted and not listed), and every kept instance at or above the one
     * asked for with {@code W > 0}, in instance order.
     */
    record RrReadFromResult(AgentRank previousR, long lowestKept, List<InstanceValue> instances)
            implements AgentReply {
        public RrReadFromResult {
            Objects.requireNonNull(previousR, "previousR");
            instances = List.copyOf(instances);
            if (instances.size() > AgentLimits.WINDOW_INSTANCES_MAX) {
                throw new IllegalArgumentException(instances.size() + " instances over the limit of "
                        + AgentLimits.WINDOW_INSTANCES_MAX);
            }
        }
    }

    /** How an rrWrite ended at one agent. */
    enum WriteOutcome {
        /** The value is stored with rank W = the write's rank (or was already: an idempotent retry). */
        COMMITTED,
        /** {@code R > rank} or {@code W >= rank} (and not a retry); {@code hint} is {@code max(R, W)}. */
        ABORTED,
        /** The instance is below the kept window; nothing was written. */
        COMPACTED
    }

    /** Answer to {@link AgentRequest.RrWrite}; {@code hint} is {@code max(R, W)} on abort, else ZERO. */
    record RrWriteResult(WriteOutcome outcome, AgentRank hint, long lowestKept) implements AgentReply {
        public RrWriteResult {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(hint, "hint");
        }
    }

    /** Answer to {@link AgentRequest.CompareAndWrite}: whether it swapped, and the block's content now. */
    record CasResult(boolean swapped, byte[] current) implements AgentReply {
        public CasResult {
            current = current.clone();
        }

        @Override
        public byte[] current() {
            return current.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CasResult c && swapped == c.swapped && Arrays.equals(current, c.current);
        }

        @Override
        public int hashCode() {
            return Objects.hash(swapped, Arrays.hashCode(current));
        }

        @Override
        public String toString() {
            return "CasResult[" + (swapped ? "swapped" : "mismatch") + "]";
        }
    }

    /** Answer to {@link AgentRequest.ReadBlock}. */
    record BlockContent(int block, byte[] content) implements AgentReply {
        public BlockContent {
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BlockContent b && block == b.block && Arrays.equals(content, b.content);
        }

        @Override
        public int hashCode() {
            return Objects.hash(block, Arrays.hashCode(content));
        }

        @Override
        public String toString() {
            return "BlockContent[block " + block + "]";
        }
    }

    /** One named counter of a stat reply. */
    record Counter(String name, long value) {
        public Counter {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Answer to {@link AgentRequest.Stat}: identity, format version and counters (capacity included). */
    record StatResult(long agentIdHigh, long agentIdLow, String agentName, int formatVersion, List<Counter> counters)
            implements AgentReply {
        public StatResult {
            Objects.requireNonNull(agentName, "agentName");
            counters = List.copyOf(counters);
        }

        /** The counter called {@code name}; -1 when absent. */
        public long counter(String name) {
            for (Counter c : counters) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
            return -1;
        }
    }

    /** The agent refused the request. */
    record Error(ErrorCode code, String message) implements AgentReply {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }

    /** No answer from the agent: made on the client side, never sent by an agent. */
    record Unavailable(String reason) implements AgentReply {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
