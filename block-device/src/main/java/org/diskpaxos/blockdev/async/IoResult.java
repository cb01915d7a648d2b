package org.diskpaxos.blockdev.async;

import java.io.IOException;

/**
 * How one asynchronous I/O ended.
 *
 * <p>Every I/O gets exactly one result with {@code late == false}: {@link Status#OK}, {@link Status#FAILED} or
 * {@link Status#TIMED_OUT}. After a {@code TIMED_OUT}, exactly one more result follows with {@code late == true},
 * when the device is really done with the I/O (status OK or FAILED) and its buffer is free again. A caller that has
 * moved on ignores the late result's data, but may reuse the buffer only after it.
 *
 * @param ioId  the id the caller gave at submission
 * @param kind  read, write or sync
 * @param status outcome
 * @param error the cause when FAILED, else null
 * @param late  true for the second, late result of a timed-out I/O
 */
public record IoResult(long ioId, Kind kind, Status status, IOException error, boolean late) {

    public enum Kind { READ, WRITE, SYNC }

    public enum Status { OK, FAILED, TIMED_OUT }

    public boolean ok() {
        return status == Status.OK;
    }
}
