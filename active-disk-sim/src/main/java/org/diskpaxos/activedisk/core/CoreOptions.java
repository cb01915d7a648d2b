package org.diskpaxos.activedisk.core;

/**
 * How an {@link AgentCore} batches durability.
 *
 * @param groupCommit true: changes of requests that arrive while a batch is being synced share the next batch
 *                    (one sync for many requests). false: one request at a time, each with its own write and sync
 *                    (the baseline the benchmark compares against).
 * @param pendingMax  most requests waiting for a sync (or, without group commit, for their turn); more are
 *                    answered {@code OVERLOADED}
 */
public record CoreOptions(boolean groupCommit, int pendingMax) {
    public static final int PENDING_MAX_LIMIT = 1 << 20;

    public CoreOptions {
        if (pendingMax < 1 || pendingMax > PENDING_MAX_LIMIT) {
            throw new IllegalArgumentException("pending max must be 1 to " + PENDING_MAX_LIMIT + ", got "
                    + pendingMax);
        }
    }

    public static CoreOptions defaults() {
        return new CoreOptions(true, 65_536);
    }
}
