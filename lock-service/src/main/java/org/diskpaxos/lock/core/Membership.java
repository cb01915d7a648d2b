package org.diskpaxos.lock.core;

import org.diskpaxos.blockdev.async.EventLoop;

/**
 * A host's membership in a lockspace as its leases see it, in either mode (delta leases on passive disks, heartbeat
 * registers on agents): its leases are valid until {@link #validUntilNs()} on {@link #loop()}'s clock, unless the
 * membership was lost.
 */
public interface Membership {

    EventLoop loop();

    /** Until when (the loop's clock) this host's leases are valid. */
    long validUntilNs();

    /** Why the membership was lost, or null while it is not. */
    String lostReason();

    /** Whether a renewal is overdue (leases are SUSPECT). */
    boolean suspect();
}
