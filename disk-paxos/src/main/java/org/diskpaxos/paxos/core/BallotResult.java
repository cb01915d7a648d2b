package org.diskpaxos.paxos.core;

/** How a {@link DiskBallot} operation ended. Ballot numbers are {@code mbal} values. */
public sealed interface BallotResult {

    /** Phase 0 read this process's own block on a majority; the ballot can begin. */
    record Recovered(BallotBlock dblock) implements BallotResult {
    }

    /**
     * Phase 1 completed on a majority without seeing a higher {@code mbal}: {@code bal}/{@code inp} of the block with
     * the largest {@code bal} among those seen and this process's own (bal 0 and {@link Inp#NONE} if none).
     */
    record ReadDone(long bal, Inp inp) implements BallotResult {
    }

    /** Phase 2 completed on a majority without seeing a higher {@code mbal}: {@code inp} is committed. */
    record Committed(long bal, Inp inp) implements BallotResult {
    }

    /** A block with {@code mbal >=} this ballot's was seen (or this process already began a higher one). */
    record Preempted(long highestMbalSeen) implements BallotResult {
    }

    /** A block of a later instance was seen: this instance is over. */
    record Superseded(long lverSeen) implements BallotResult {
    }

    /** Too many disks failed for a majority; {@code reason} lists each failed disk and why. */
    record Unavailable(String reason) implements BallotResult {
    }
}
