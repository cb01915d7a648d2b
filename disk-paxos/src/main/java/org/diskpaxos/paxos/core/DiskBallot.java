package org.diskpaxos.paxos.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One process's side of the Disk Synod algorithm (Gafni and Lamport, "Disk Paxos", §3) for one consensus instance
 * {@code lver} over {@code n} disks, as a deterministic state machine without I/O, threads or clocks.
 *
 * <p>The driver calls {@link #recover}, {@link #read} or {@link #write} to start an operation, executes the
 * {@link DiskIo} requests the core appends to the outbox, and feeds each completion back through
 * {@link #onWriteResult}, {@link #onBlocksRead}, {@link #onOwnBlockRead} or {@link #onReadFailed}. An operation
 * ends with a {@link DiskIo.Finished} in the outbox.
 *
 * <h2>Operations</h2>
 * <ul>
 *   <li><b>Phase 0</b> ({@link #recover}): "read its own block from a majority of disks, adopt the one with the
 *       largest {@code bal}, with an {@code mbal} above every {@code mbal} read" (the paper's {@code EndPhase0}).
 *       A new core must recover before its first ballot: it may be a restarted process whose earlier phase-2 value
 *       is on disk, and forgetting it would break the ranked register's safety.</li>
 *   <li><b>Phase 1</b> ({@link #read}, the ranked register's rrRead): set {@code mbal}; "for each disk d, it tries
 *       first to write dblock[p] to disk[d][p] and then to read disk[d][q] for all other processors q. It aborts
 *       the ballot if, for any d and q, it finds disk[d][q].mbal &gt; dblock[p].mbal. The phase completes when p
 *       has written and read a majority of the disks". Unlike sanlock, which zeroes {@code bal}/{@code inp} when a
 *       ballot starts, the block keeps them, as in the paper: they may be the only copy of a chosen value.</li>
 *   <li><b>Phase 2</b> ({@link #write}, rrWrite): set {@code bal = mbal} and {@code inp}, then the same
 *       write-then-read on a majority; completing it commits {@code inp}.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>At most one write per disk is in flight: a write the operation needs while an earlier one to the same disk
 *       is outstanding (for example one that timed out and has not completed) waits for it. A late write must
 *       never overwrite a newer one (the paper, §4.1).</li>
 *   <li>On each disk the read is issued only after this process's write to that disk succeeded.</li>
 *   <li>{@code dblock.mbal} never decreases; blocks of other processes with {@code mbal >= dblock.mbal} abort
 *       (the {@code >=} also makes two processes misconfigured with one host id abort instead of both winning).</li>
 *   <li>Blocks of an earlier instance ({@code lver} below this one) count as initial; a block of a later instance
 *       ends the operation as {@link BallotResult.Superseded}.</li>
 *   <li>A disk whose read returned a block that failed its checksum counts as failed for the phase; skipping the
 *       block instead (sanlock) could miss the one block that carries a chosen value.</li>
 * </ul>
 */
public final class DiskBallot {

    /** The most processes (host ids) a resource may have; sanlock's limit. */
    public static final int PROCESSES_MAX = 2000;

    private static final long NO_IO = -1;

    /** What the current operation is doing on one disk. */
    private enum DiskState { IDLE, WAIT_WRITE, WRITING, READING, DONE, FAILED }

    /** The operation in progress. */
    private enum Op { NONE, RECOVER, READ, WRITE }

    private final int diskCount;
    private final int majority;
    private final int hostId;
    private final long lver;

    private BallotBlock dblock;
    private boolean recovered;

    private final long[] writeInFlight;
    private final DiskState[] diskState;
    private final long[] expectedIoId;
    private final String[] failure;

    private Op op = Op.NONE;
    private int doneCount;
    private int failedCount;
    private long bestBal;
    private Inp bestInp;
    private long nextIoId = 1;
    private long ignoredCompletions;

    /**
     * @param diskCount number of disks, 1..{@link Quorum#DISKS_MAX}
     * @param hostId    this process's host id, 1..{@link #PROCESSES_MAX}; its block is skipped in reads
     * @param lver      the consensus instance, at least 1
     */
    public DiskBallot(int diskCount, int hostId, long lver) {
        this.majority = Quorum.majority(diskCount);
        if (hostId < 1 || hostId > PROCESSES_MAX) {
            throw new IllegalArgumentException("host id must be 1.." + PROCESSES_MAX + ", got " + hostId);
        }
        if (lver < 1) {
            throw new IllegalArgumentException("lver must be at least 1, got " + lver);
        }
        this.diskCount = diskCount;
        this.hostId = hostId;
        this.lver = lver;
        this.dblock = BallotBlock.initial(lver);
        this.writeInFlight = new long[diskCount];
        Arrays.fill(writeInFlight, NO_IO);
        this.diskState = new DiskState[diskCount];
        Arrays.fill(diskState, DiskState.IDLE);
        this.expectedIoId = new long[diskCount];
        Arrays.fill(expectedIoId, NO_IO);
        this.failure = new String[diskCount];
    }

    private DiskBallot(DiskBallot o) {
        diskCount = o.diskCount;
        majority = o.majority;
        hostId = o.hostId;
        lver = o.lver;
        dblock = o.dblock;
        recovered = o.recovered;
        writeInFlight = o.writeInFlight.clone();
        diskState = o.diskState.clone();
        expectedIoId = o.expectedIoId.clone();
        failure = o.failure.clone();
        op = o.op;
        doneCount = o.doneCount;
        failedCount = o.failedCount;
        bestBal = o.bestBal;
        bestInp = o.bestInp;
        nextIoId = o.nextIoId;
        ignoredCompletions = o.ignoredCompletions;
    }

    /** An independent copy, for model checking. */
    public DiskBallot copy() {
        return new DiskBallot(this);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations

    /**
     * Phase 0: reads this process's own block on every disk; ends with {@link BallotResult.Recovered}. Call it on a
     * new core (whose block is the initial one), or again after it ended {@link BallotResult.Unavailable}.
     */
    public void recover(List<DiskIo> out) {
        startOp(Op.RECOVER);
        // A retry after a failed recovery keeps what the failed one read: the largest of more of this process's
        // own blocks is as good as the largest of a majority, and mbal must not go back.
        bestBal = dblock.bal();
        bestInp = dblock.inp();
        for (int d = 0; d < diskCount; d++) {
            long ioId = nextIoId++;
            expectedIoId[d] = ioId;
            diskState[d] = DiskState.READING;
            out.add(new DiskIo.ReadOwnBlock(ioId, d));
        }
    }

    /**
     * Phase 0 from memory: this process already knows the newest block it wrote to its own sector (every write
     * of its, for any instance, went through the same per-sector order), so reading it back would return nothing
     * newer. A block of an earlier instance counts as the initial one; a block of a later instance means this
     * instance is over ({@code false} is returned and the core stays unrecovered).
     */
    public boolean recoverFrom(BallotBlock newestOwn) {
        if (op != Op.NONE || recovered) {
            throw new IllegalStateException("recoverFrom on a core that is busy or recovered");
        }
        if (newestOwn.lver() > lver) {
            return false;
        }
        dblock = newestOwn.lver() == lver ? newestOwn : BallotBlock.initial(lver);
        recovered = true;
        return true;
    }

    /**
     * Phase 1 with ballot {@code mbal} (rrRead). Ends with {@link BallotResult.ReadDone},
     * {@link BallotResult.Preempted} (at once, without I/O, if this process already began a ballot
     * {@code >= mbal}), {@link BallotResult.Superseded} or {@link BallotResult.Unavailable}.
     */
    public void read(long mbal, List<DiskIo> out) {
        requireRecovered();
        if (mbal <= dblock.mbal()) {
            finishNow(new BallotResult.Preempted(dblock.mbal()), out);
            return;
        }
        dblock = dblock.withMbal(mbal);
        startPhase(Op.READ, out);
    }

    /**
     * Phase 2 with ballot {@code mbal} and value {@code inp} (rrWrite). Ends with {@link BallotResult.Committed},
     * {@link BallotResult.Preempted}, {@link BallotResult.Superseded} or {@link BallotResult.Unavailable}.
     * Writing the same ballot again with the same value retries it; with another value it is a programming error
     * (a rank writes at most one value).
     */
    public void write(long mbal, Inp inp, List<DiskIo> out) {
        requireRecovered();
        Objects.requireNonNull(inp, "inp");
        if (inp.isNone()) {
            throw new IllegalArgumentException("cannot commit NotAnInput");
        }
        if (mbal < dblock.mbal()) {
            finishNow(new BallotResult.Preempted(dblock.mbal()), out);
            return;
        }
        if (dblock.bal() == mbal && !dblock.inp().equals(inp)) {
            throw new IllegalStateException("ballot " + mbal + " already wrote " + dblock.inp() + ", not " + inp);
        }
        dblock = new BallotBlock(mbal, mbal, inp, lver);
        startPhase(Op.WRITE, out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completions

    /** How a write ended; see {@code IoResult}: {@code late} marks the second result of a timed-out write. */
    public enum WriteStatus { OK, FAILED, TIMED_OUT, LATE }

    /** A write completed, failed, timed out, or (LATE) finally finished after timing out. */
    public void onWriteResult(long ioId, int disk, WriteStatus status, String error, List<DiskIo> out) {
        checkDisk(disk);
        if (writeInFlight[disk] != ioId) {
            ignoredCompletions++;
            return;
        }
        if (status != WriteStatus.TIMED_OUT) {
            writeInFlight[disk] = NO_IO;
        }
        if (expectedIoId[disk] == ioId && diskState[disk] == DiskState.WRITING) {
            if (status == WriteStatus.OK) {
                long readId = nextIoId++;
                expectedIoId[disk] = readId;
                diskState[disk] = DiskState.READING;
                out.add(new DiskIo.ReadBlocks(readId, disk));
            } else {
                failDisk(disk, status == WriteStatus.TIMED_OUT ? "write timed out" : "write failed: " + error, out);
            }
        }
        if (writeInFlight[disk] == NO_IO && op != Op.NONE && diskState[disk] == DiskState.WAIT_WRITE) {
            issueWrite(disk, out);
        }
    }

    /**
     * The blocks of disk {@code disk} were read: {@code blocks[i]} is the block of host id {@code i + 1}; every block
     * decoded with a valid checksum (the driver reports a disk with a corrupt block through {@link #onReadFailed}).
     */
    public void onBlocksRead(long ioId, int disk, BallotBlock[] blocks, List<DiskIo> out) {
        if (!expecting(ioId, disk) || op == Op.RECOVER) {
            ignoredCompletions++;
            return;
        }
        if (hostId <= blocks.length && !blocks[hostId - 1].equals(dblock)) {
            failDisk(disk, "this host's own block reads back as " + blocks[hostId - 1] + ", not the " + dblock
                    + " it wrote: a lost or misdirected write, or another process using host id " + hostId, out);
            return;
        }
        for (int i = 0; i < blocks.length; i++) {
            if (i + 1 == hostId) {
                continue;
            }
            BallotBlock bk = blocks[i];
            if (bk.lver() < lver) {
                continue;
            }
            if (bk.lver() > lver) {
                finish(new BallotResult.Superseded(bk.lver()), out);
                return;
            }
            if (bk.mbal() >= dblock.mbal()) {
                finish(new BallotResult.Preempted(bk.mbal()), out);
                return;
            }
            if (op == Op.READ && bk.bal() > bestBal) {
                bestBal = bk.bal();
                bestInp = bk.inp();
            }
        }
        diskDone(disk, out);
    }

    /** Phase 0: this process's own block on disk {@code disk}. */
    public void onOwnBlockRead(long ioId, int disk, BallotBlock own, List<DiskIo> out) {
        if (!expecting(ioId, disk) || op != Op.RECOVER) {
            ignoredCompletions++;
            return;
        }
        if (own.lver() > lver) {
            finish(new BallotResult.Superseded(own.lver()), out);
            return;
        }
        if (own.lver() == lver) {
            if (own.mbal() > dblock.mbal()) {
                dblock = dblock.withMbal(own.mbal());
            }
            if (own.bal() > bestBal) {
                bestBal = own.bal();
                bestInp = own.inp();
            }
        }
        diskDone(disk, out);
    }

    /** A read failed, timed out, or returned a block that failed its checksum; {@code reason} says which. */
    public void onReadFailed(long ioId, int disk, String reason, List<DiskIo> out) {
        if (!expecting(ioId, disk)) {
            ignoredCompletions++;
            return;
        }
        failDisk(disk, reason, out);
    }

    /**
     * The driver's deadline for the operation passed: every disk that has not finished its write and read counts
     * as failed, so the operation ends (done, or {@link BallotResult.Unavailable}) instead of waiting for a disk
     * that may never answer (for example one whose earlier write is still outstanding).
     */
    public void onDeadline(List<DiskIo> out) {
        for (int d = 0; d < diskCount && op != Op.NONE; d++) {
            if (diskState[d] == DiskState.WAIT_WRITE || diskState[d] == DiskState.WRITING
                    || diskState[d] == DiskState.READING) {
                failDisk(d, "no answer before the operation deadline", out);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals

    private void startOp(Op newOp) {
        if (op != Op.NONE) {
            throw new IllegalStateException("host " + hostId + " lver " + lver + ": " + op + " still in progress");
        }
        op = newOp;
        doneCount = 0;
        failedCount = 0;
        Arrays.fill(failure, null);
    }

    private void startPhase(Op phase, List<DiskIo> out) {
        startOp(phase);
        bestBal = dblock.bal();
        bestInp = dblock.inp();
        for (int d = 0; d < diskCount; d++) {
            if (writeInFlight[d] == NO_IO) {
                issueWrite(d, out);
            } else {
                diskState[d] = DiskState.WAIT_WRITE;
                expectedIoId[d] = NO_IO;
            }
        }
    }

    private void issueWrite(int disk, List<DiskIo> out) {
        assert writeInFlight[disk] == NO_IO : "second write in flight to disk " + disk;
        long ioId = nextIoId++;
        writeInFlight[disk] = ioId;
        expectedIoId[disk] = ioId;
        diskState[disk] = DiskState.WRITING;
        out.add(new DiskIo.WriteBlock(ioId, disk, dblock));
    }

    private boolean expecting(long ioId, int disk) {
        checkDisk(disk);
        return op != Op.NONE && expectedIoId[disk] == ioId && diskState[disk] == DiskState.READING;
    }

    private void diskDone(int disk, List<DiskIo> out) {
        diskState[disk] = DiskState.DONE;
        expectedIoId[disk] = NO_IO;
        doneCount++;
        if (doneCount < majority) {
            return;
        }
        switch (op) {
            case RECOVER -> {
                dblock = bestBal == 0 ? BallotBlock.initial(lver).withMbal(dblock.mbal())
                        : new BallotBlock(dblock.mbal(), bestBal, bestInp, lver);
                recovered = true;
                finish(new BallotResult.Recovered(dblock), out);
            }
            case READ -> finish(new BallotResult.ReadDone(bestBal, bestInp), out);
            case WRITE -> finish(new BallotResult.Committed(dblock.bal(), dblock.inp()), out);
            default -> throw new IllegalStateException("disk done with no operation");
        }
    }

    private void failDisk(int disk, String reason, List<DiskIo> out) {
        diskState[disk] = DiskState.FAILED;
        expectedIoId[disk] = NO_IO;
        failure[disk] = reason;
        failedCount++;
        if (failedCount > diskCount - majority) {
            StringBuilder why = new StringBuilder();
            for (int d = 0; d < diskCount; d++) {
                if (failure[d] != null) {
                    why.append(why.length() == 0 ? "" : "; ").append("disk ").append(d).append(": ").append(failure[d]);
                }
            }
            finish(new BallotResult.Unavailable("fewer than " + majority + " of " + diskCount
                    + " disks answered (" + why + ")"), out);
        }
    }

    private void finish(BallotResult result, List<DiskIo> out) {
        op = Op.NONE;
        for (int d = 0; d < diskCount; d++) {
            diskState[d] = DiskState.IDLE;
            expectedIoId[d] = NO_IO;
        }
        out.add(new DiskIo.Finished(result));
    }

    private void finishNow(BallotResult result, List<DiskIo> out) {
        if (op != Op.NONE) {
            throw new IllegalStateException("host " + hostId + " lver " + lver + ": " + op + " still in progress");
        }
        out.add(new DiskIo.Finished(result));
    }

    private void requireRecovered() {
        if (!recovered) {
            throw new IllegalStateException("host " + hostId + " lver " + lver + ": recover (phase 0) first");
        }
    }

    private void checkDisk(int disk) {
        if (disk < 0 || disk >= diskCount) {
            throw new IllegalArgumentException("disk index " + disk + " out of 0.." + (diskCount - 1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Observers

    /** This process's current block (what it last wrote or is writing). */
    public BallotBlock dblock() {
        return dblock;
    }

    public boolean recovered() {
        return recovered;
    }

    public boolean busy() {
        return op != Op.NONE;
    }

    public long lver() {
        return lver;
    }

    public int hostId() {
        return hostId;
    }

    public int diskCount() {
        return diskCount;
    }

    /** Whether a write to {@code disk} is outstanding (including one that timed out and has not completed). */
    public boolean writeInFlight(int disk) {
        return writeInFlight[disk] != NO_IO;
    }

    /** How many I/O ids were handed out after {@code ioId}: a name for it that does not depend on history. */
    public long ioIdAge(long ioId) {
        return nextIoId - ioId;
    }

    /** Whether the read {@code ioId} on {@code disk} is still awaited; a completion of any other is ignored. */
    public boolean awaitsRead(long ioId, int disk) {
        return expecting(ioId, disk);
    }

    /** Completions that arrived for I/O the core no longer waited for. */
    public long ignoredCompletions() {
        return ignoredCompletions;
    }

    /**
     * Appends what determines future behaviour apart from per-disk state, for model checkers' visited sets.
     * Together with {@link #appendDiskKey} for every disk it identifies the state up to the naming of I/O ids
     * (which are rendered as {@link #ioIdAge ages}) and up to a permutation of the disks.
     */
    public void appendGlobalKey(StringBuilder key) {
        key.append(dblock.mbal()).append(',').append(dblock.bal()).append(',').append(dblock.inp()).append(',')
                .append(recovered ? 'R' : 'r').append(op.ordinal()).append(',').append(doneCount).append(',')
                .append(failedCount).append(',').append(bestBal).append(',').append(bestInp);
    }

    /** Appends the state of disk {@code disk}; see {@link #appendGlobalKey}. */
    public void appendDiskKey(StringBuilder key, int disk) {
        key.append(diskState[disk].ordinal()).append(',')
                .append(writeInFlight[disk] == NO_IO ? NO_IO : nextIoId - writeInFlight[disk]).append(',')
                .append(expectedIoId[disk] == NO_IO ? NO_IO : nextIoId - expectedIoId[disk]);
    }

    @Override
    public String toString() {
        return "DiskBallot{host " + hostId + " lver " + lver + " " + op + " " + dblock + " states "
                + Arrays.toString(diskState) + "}";
    }
}
