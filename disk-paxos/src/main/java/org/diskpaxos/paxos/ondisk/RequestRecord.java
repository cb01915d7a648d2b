package org.diskpaxos.paxos.ondisk;

/**
 * sanlock's {@code struct request_record}, sector 1 of a resource area: a request that the current holder give up the
 * lease ({@code sanlock_request}, sanlock.md §2.7). No checksum.
 *
 * @param version on-disk version (sanlock 3.8 writes 0x00010001)
 * @param lver the lease version the requester wants; must exceed the held lver to take effect
 * @param forceMode 0 none, 1 {@code SANLK_REQ_FORCE} (SIGKILL the holder), 2 {@code SANLK_REQ_GRACEFUL}
 */
public record RequestRecord(int version, long lver, int forceMode) {
    /** The record {@code paxos_lease_init} writes: magic and version, no request. */
    public static final RequestRecord INITIAL = new RequestRecord(RequestRecordDescriptor.REQ_DISK_VERSION, 0, 0);

    public static RequestRecord request(long lver, int forceMode) {
        return new RequestRecord(RequestRecordDescriptor.REQ_DISK_VERSION, lver, forceMode);
    }
}
