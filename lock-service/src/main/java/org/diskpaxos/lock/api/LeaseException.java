package org.diskpaxos.lock.api;

/** Why a lease operation failed; the message names the resource, and the disk and offset where they matter. */
public class LeaseException extends Exception {
    /** @param message what failed, naming the resource (and disk and offset where they matter) */
    public LeaseException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause   the underlying error
     */
    public LeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
