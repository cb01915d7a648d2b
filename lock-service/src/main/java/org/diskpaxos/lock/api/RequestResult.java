package org.diskpaxos.lock.api;

import java.util.List;

/**
 * What {@link LeaseClient#request} did.
 *
 * @param lver          the lease version written to the request record: holders of an older version are asked
 * @param holderHostIds the hosts asked (the exclusive owner, or the shared holders); empty if nobody held the lease,
 *                      and then nothing was written
 */
public record RequestResult(long lver, List<Long> holderHostIds) {
    /** Copies {@code holderHostIds}. */
    public RequestResult {
        holderHostIds = List.copyOf(holderHostIds);
    }

    /** Whether anybody held the lease (and was asked). */
    public boolean anyHolder() {
        return !holderHostIds.isEmpty();
    }
}
