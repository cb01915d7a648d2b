package org.diskpaxos.lock.api;

/** The lease is no longer valid: {@link Lease#checkValid()} after its deadline or its loss. */
public class LeaseLostException extends LeaseException {
    /** @param message which lease, its token and why it was lost */
    public LeaseLostException(String message) {
        super(message);
    }
}
