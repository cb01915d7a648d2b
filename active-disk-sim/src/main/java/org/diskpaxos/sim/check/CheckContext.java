package org.diskpaxos.sim.check;

/** What a {@link Checker} may ask of the running simulation. */
public interface CheckContext {
    /** Global virtual time. */
    long nowNs();

    /** Events run so far. */
    long eventCount();

    /** Reports a broken invariant: throws {@link InvariantViolation}, which ends the run as failed. */
    void fail(String checker, String message);
}
