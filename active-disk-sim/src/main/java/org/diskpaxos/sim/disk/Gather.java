package org.diskpaxos.sim.disk;

import java.util.function.Consumer;

/** Waits for the replies of {@code expected} sub-requests, then reports once: OK, or the first failure. */
final class Gather {
    private final Consumer<DiskOutcome> whenAll;
    private int pending;
    private DiskOutcome firstFailure;

    Gather(int expected, Consumer<DiskOutcome> whenAll) {
        if (expected <= 0) {
            throw new IllegalArgumentException("nothing to gather");
        }
        this.pending = expected;
        this.whenAll = whenAll;
    }

    DiskReply part() {
        return outcome -> {
            if (pending <= 0) {
                throw new IllegalStateException("a sub-request replied twice");
            }
            if (!outcome.ok() && firstFailure == null) {
                firstFailure = outcome;
            }
            if (--pending == 0) {
                whenAll.accept(firstFailure == null ? DiskOutcome.OK : firstFailure);
            }
        };
    }
}
