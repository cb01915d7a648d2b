package org.diskpaxos.lock.api;

/** The lease is held by a live host and was not released in time. */
public class LeaseUnavailableException extends LeaseException {
    private final long ownerHostId;

    /**
     * @param message     which resource and who holds it
     * @param ownerHostId the holding host's id
     */
    public LeaseUnavailableException(String message, long ownerHostId) {
        super(message);
        this.ownerHostId = ownerHostId;
    }

    /** The host id holding the lease. */
    public long ownerHostId() {
        return ownerHostId;
    }
}
