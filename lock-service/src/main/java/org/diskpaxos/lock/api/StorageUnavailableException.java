package org.diskpaxos.lock.api;

/** A majority of the disks could not be reached, or this host is not a valid member of the lockspace. */
public class StorageUnavailableException extends LeaseException {
    /** @param message which disks failed and how */
    public StorageUnavailableException(String message) {
        super(message);
    }
}
