package org.diskpaxos.sim.host;

import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.time.HeapNode;

/**
 * A task queued on a {@link HostEventLoop}: due when the host clock reaches its deadline; among tasks with the
 * same deadline, the one queued first runs first. Cancelling removes it from the loop's queue at once.
 */
final class HostTask extends HeapNode implements EventLoop.Scheduled {
    /** Returned for work handed to a loop that has died: never runs, cannot be cancelled. */
    static final HostTask DROPPED = new HostTask(null, 0, -1, () -> { });

    private final HostEventLoop owner;
    final long deadlineHostNs;
    final Runnable action;

    HostTask(HostEventLoop owner, long deadlineHostNs, long seq, Runnable action) {
        super(deadlineHostNs, seq);
        this.owner = owner;
        this.deadlineHostNs = deadlineHostNs;
        this.action = action;
    }

    @Override
    public boolean cancel() {
        return owner != null && owner.cancel(this);
    }
}
