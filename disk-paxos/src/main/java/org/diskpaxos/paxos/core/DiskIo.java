package org.diskpaxos.paxos.core;

/**
 * What {@link DiskBallot} asks its driver to do. Every request carries an {@code ioId} that the driver echoes in
 * the matching completion; completions for ids the core no longer waits for are counted and ignored.
 */
public sealed interface DiskIo {

    /** Write {@code block} to this process's own sector on disk {@code disk}. */
    record WriteBlock(long ioId, int disk, BallotBlock block) implements DiskIo {
    }

    /** Read every process's block on disk {@code disk} (one contiguous read of the block area). */
    record ReadBlocks(long ioId, int disk) implements DiskIo {
    }

    /** Read this process's own block on disk {@code disk} (phase 0, recovery). */
    record ReadOwnBlock(long ioId, int disk) implements DiskIo {
    }

    /** The operation in progress ended. */
    record Finished(BallotResult result) implements DiskIo {
    }
}
