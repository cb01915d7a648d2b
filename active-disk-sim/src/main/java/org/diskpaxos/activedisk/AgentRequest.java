package org.diskpaxos.activedisk;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a client asks an agent. Registers are named {@code (resource, instance)}; the read rank {@code R} is kept
 * per resource (see the package documentation for why that is safe), each instance has its own {@code (W, V)}.
 * Constructors check every limit, so a request that exists can be encoded.
 */
public sealed interface AgentRequest {

    /** {@code R := max(R, rank)}; returns the old {@code R} and {@code (W, V)} of {@code instance}. */
    record RrRead(String resource, long instance, AgentRank rank) implements AgentRequest {
        public RrRead {
            checkName(resource);
            checkInstance(instance);
            Objects.requireNonNull(rank, "rank");
        }
    }

    /**
     * {@code R := max(R, rank)}; returns the old {@code R} and every kept instance {@code >= fromInstance} that has
     * a value ({@code W > 0}): the fast path's "fence every later instance with one read".
     */
    record RrReadFrom(String resource, long fromInstance, AgentRank rank) implements AgentRequest {
        public RrReadFrom {
            checkName(resource);
            checkInstance(fromInstance);
            Objects.requireNonNull(rank, "rank");
        }
    }

    /**
     * Commits iff {@code R <= rank && W < rank} (then {@code (W, V) := (rank, value)}), or iff {@code W == rank}
     * and {@code V} equals {@code value} (a retry of a write that already committed).
     */
    record RrWrite(String resource, long instance, AgentRank rank, byte[] value) implements AgentRequest {
        public RrWrite {
            checkName(resource);
            checkInstance(instance);
            Objects.requireNonNull(rank, "rank");
            Objects.requireNonNull(value, "value");
            if (value.length > AgentLimits.VALUE_BYTES_MAX) {
                throw new IllegalArgumentException("value of " + value.length + " bytes exceeds the limit of "
                        + AgentLimits.VALUE_BYTES_MAX);
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RrWrite w && resource.equals(w.resource) && instance == w.instance
                    && rank.equals(w.rank) && Arrays.equals(value, w.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(resource, instance, rank, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "RrWrite[" + resource + "/" + instance + " " + rank + " " + value.length + " bytes]";
        }
    }

    /**
     * Compare-and-write on block {@code block} of the agent's CAS area (like SCSI COMPARE AND WRITE): if the block
     * holds {@code expected}, it becomes {@code replacement}. Both are exactly {@link AgentLimits#CAS_BLOCK_BYTES}.
     */
    record CompareAndWrite(int block, byte[] expected, byte[] replacement) implements AgentRequest {
        public CompareAndWrite {
            checkBlock(block);
            checkBlockBytes(expected, "expected");
            checkBlockBytes(replacement, "replacement");
            expected = expected.clone();
            replacement = replacement.clone();
        }

        @Override
        public byte[] expected() {
            return expected.clone();
        }

        @Override
        public byte[] replacement() {
            return replacement.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CompareAndWrite c && block == c.block && Arrays.equals(expected, c.expected)
                    && Arrays.equals(replacement, c.replacement);
        }

        @Override
        public int hashCode() {
            return Objects.hash(block, Arrays.hashCode(expected), Arrays.hashCode(replacement));
        }

        @Override
        public String toString() {
            return "CompareAndWrite[block " + block + "]";
        }
    }

    /** Reads block {@code block} of the CAS area. */
    record ReadBlock(int block) implements AgentRequest {
        public ReadBlock {
            checkBlock(block);
        }
    }

    /** The agent's identity, format, capacity and counters. */
    record Stat() implements AgentRequest {
    }

    private static void checkName(String resource) {
        String problem = AgentLimits.checkResourceName(resource);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void checkInstance(long instance) {
        if (instance < 0) {
            throw new IllegalArgumentException("instance must be non-negative, got " + instance);
        }
    }

    private static void checkBlock(int block) {
        if (block < 0) {
            throw new IllegalArgumentException("block must be non-negative, got " + block);
        }
    }

    private static void checkBlockBytes(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != AgentLimits.CAS_BLOCK_BYTES) {
            throw new IllegalArgumentException(what + " must be exactly " + AgentLimits.CAS_BLOCK_BYTES
                    + " bytes, got " + bytes.length);
        }
    }
}
