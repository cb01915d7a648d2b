package org.diskpaxos.lock.api;

/**
 * How urgently a host asks the holders of a lease to give it up ({@link LeaseClient#request}); sanlock's
 * {@code force_mode} in the request record (sanlock.md §2.7).
 */
public enum RequestMode {
    /**
     * sanlock's {@code SANLK_REQ_FORCE} (1): the holder must stop at once. An embedded lease turns LOST (and the JVM
     * halts if so configured) and is released on disk one kill grace later; a daemon kills the holder.
     */
    FORCE(1),
    /**
     * sanlock's {@code SANLK_REQ_GRACEFUL} (2): the holder is told ({@link Lease#requested()}) and should release
     * when it can.
     */
    GRACEFUL(2);

    private final int forceMode;

    RequestMode(int forceMode) {
        this.forceMode = forceMode;
    }

    /** The {@code force_mode} value written to the request record. */
    public int forceMode() {
        return forceMode;
    }

    /** The mode of a request record's {@code force_mode}; anything but FORCE counts as GRACEFUL. */
    public static RequestMode ofForceMode(int forceMode) {
        return forceMode == FORCE.forceMode ? FORCE : GRACEFUL;
    }
}
