package org.diskpaxos.lock.api;

/** What {@link Lease#release()} did; releasing never throws just because the lease was already lost. */
public enum ReleaseResult {
    /** Released now; other hosts can acquire it at once. */
    RELEASED,
    /** It had been released before. */
    ALREADY_RELEASED,
    /** It had been lost before; nothing to release (other hosts take it over after the holder is judged dead). */
    ALREADY_LOST,
    /** Released locally, but the disks could not be updated: other hosts take it over when this host leaves or dies. */
    RELEASED_LOCALLY
}
