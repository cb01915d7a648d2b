package org.diskpaxos.sim.time;

import org.diskpaxos.blockdev.async.EventLoop;

/**
 * One entry of the {@link Scheduler}'s queue: an action at a virtual instant. Ordered by time, then by the
 * sequence number given at scheduling, so events at the same instant run in the order they were scheduled.
 * Cancelling removes it from the heap at once (or marks it, in the current instant's FIFO).
 */
public final class Event extends HeapNode implements EventLoop.Scheduled {
    private final Scheduler owner;
    final Runnable action;
    boolean cancelled;
    boolean ran;

    Event(Scheduler owner, long timeNs, long seq, Runnable action) {
        super(timeNs, seq);
        this.owner = owner;
        this.action = action;
    }

    public long timeNs() {
        return key;
    }

    @Override
    public boolean cancel() {
        return owner.cancel(this);
    }
}
