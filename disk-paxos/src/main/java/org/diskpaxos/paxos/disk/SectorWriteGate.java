package org.diskpaxos.paxos.disk;

import java.util.ArrayDeque;

/**
 * Keeps at most one write in flight to one host's sector of one lease area on one disk, across every
 * {@link DiskRankedRegister} of that area: successive consensus instances ({@code lver}) of a resource write the
 * same sector, and a write of an earlier instance that timed out may still land. If a later write went out while
 * it was outstanding, the late one could land last and roll the sector back — the failure Gafni and Lamport rule
 * out in §4.1 ("a write from an earlier ballot must never arrive after a write from a later one"). Writes queue in
 * FIFO order behind the one in flight, which is done only when its final (possibly late) completion arrives.
 *
 * <p>One gate per (area, disk) per process incarnation; used on the registers' event loop only. At most
 * {@link #QUEUED_MAX} writes may wait; beyond that a write fails at once (the disk is not completing writes).
 */
public final class SectorWriteGate {

    /** Writes that may wait behind the one in flight. */
    public static final int QUEUED_MAX = 8;

    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private boolean busy;
    private long newestLver;

    /**
     * Whether a ballot of instance {@code lver} may still write this sector, and if so records it: false once a
     * ballot of a later instance has written (or queued) its block here. FIFO order keeps writes that were submitted
     * in instance order from landing out of order; this keeps a register of an earlier instance that is still
     * running — its host was paused in mid-ballot, and an acquire that gave up on it has since moved on — from
     * submitting a block after the later one and rolling this host's sector back to the earlier instance, which
     * erases the later ballot's value (lease simulation seed 1602, beyond tolerance: version 26 decided twice).
     */
    public boolean admit(long lver) {
        if (lver < newestLver) {
            return false;
        }
        newestLver = lver;
        return true;
    }

    /** The newest instance whose block was submitted through this gate (0: none). */
    public long newestLver() {
        return newestLver;
    }

    /**
     * Runs {@code write} now if no write is in flight, else queues it. Returns false (and does not run or keep it)
     * when the queue is full. The write must call {@link #done()} exactly once, at its final completion.
     */
    public boolean submit(Runnable write) {
        if (!busy) {
            busy = true;
            write.run();
            return true;
        }
        if (waiting.size() >= QUEUED_MAX) {
            return false;
        }
        waiting.add(write);
        return true;
    }

    /** The write in flight completed for good (on time or late); the next one, if any, goes out. */
    public void done() {
        if (!busy) {
            throw new IllegalStateException("no write in flight");
        }
        Runnable next = waiting.poll();
        if (next == null) {
            busy = false;
        } else {
            next.run();
        }
    }

    /** Whether a write is in flight. */
    public boolean busy() {
        return busy;
    }

    /** Writes waiting behind the one in flight. */
    public int queued() {
        return waiting.size();
    }
}
