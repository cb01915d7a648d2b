package org.diskpaxos.lock.api;

/** Why a lease operation failed; the message names the resource, and the disk and offset where they matter. */
public class LeaseException extends Exception {
    public LeaseException(String message) {
        super(message);
    }

    public LeaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
