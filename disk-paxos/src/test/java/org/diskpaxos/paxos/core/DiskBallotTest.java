package org.diskpaxos.paxos.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scenarios of the Disk Synod core driven by hand: the happy path's requests, abort on a higher mbal, superseded
 * instances, one write in flight per disk, and phase 0 retried without losing what it read (simulator seed 716).
 */
class DiskBallotTest {

    private final List<DiskIo> out = new ArrayList<>();

    private static BallotBlock[] blocks(BallotBlock... b) {
        return b;
    }

    private BallotResult finished() {
        for (DiskIo io : out) {
            if (io instanceof DiskIo.Finished f) {
                return f.result();
            }
        }
        return null;
    }

    private <T extends DiskIo> List<T> requests(Class<T> kind) {
        List<T> r = new ArrayList<>();
        for (DiskIo io : out) {
            if (kind.isInstance(io)) {
                r.add(kind.cast(io));
            }
        }
        return r;
    }

    private DiskBallot recovered(int disks) {
        DiskBallot b = new DiskBallot(disks, 1, 3);
        b.recover(out);
        for (DiskIo.ReadOwnBlock r : requests(DiskIo.ReadOwnBlock.class)) {
            b.onOwnBlockRead(r.ioId(), r.disk(), BallotBlock.initial(2), out);
        }
        assertInstanceOf(BallotResult.Recovered.class, finished());
        out.clear();
        return b;
    }

    @Test
    void phaseOneWritesEveryDiskThenReadsAfterEachWriteAndCompletesOnAMajority() {
        DiskBallot b = recovered(3);
        b.read(17, out);
        List<DiskIo.WriteBlock> writes = requests(DiskIo.WriteBlock.class);
        assertEquals(3, writes.size());
        assertTrue(requests(DiskIo.ReadBlocks.class).isEmpty(), "no read before its disk's write completed");
        BallotBlock mine = new BallotBlock(17, 0, Inp.NONE, 3);
        BallotBlock other = new BallotBlock(16, 16, new Inp(2, 1, 1), 3);
        for (int d = 0; d < 2; d++) {
            out.clear();
            b.onWriteResult(writes.get(d).ioId(), d, DiskBallot.WriteStatus.OK, null, out);
            DiskIo.ReadBlocks read = requests(DiskIo.ReadBlocks.class).get(0);
            out.clear();
            b.onBlocksRead(read.ioId(), d, blocks(mine, other), out);
        }
        assertEquals(new BallotResult.ReadDone(16, new Inp(2, 1, 1)), finished());
    }

    @Test
    void aHigherMbalPreempts() {
        DiskBallot b = recovered(1);
        b.read(17, out);
        long w = requests(DiskIo.WriteBlock.class).get(0).ioId();
        out.clear();
        b.onWriteResult(w, 0, DiskBallot.WriteStatus.OK, null, out);
        long r = requests(DiskIo.ReadBlocks.class).get(0).ioId();
        out.clear();
        b.onBlocksRead(r, 0, blocks(new BallotBlock(17, 0, Inp.NONE, 3), new BallotBlock(18, 0, Inp.NONE, 3)), out);
        assertEquals(new BallotResult.Preempted(18), finished());
    }

    @Test
    void aBlockOfALaterInstanceSupersedes() {
        DiskBallot b = recovered(1);
        b.read(17, out);
        long w = requests(DiskIo.WriteBlock.class).get(0).ioId();
        out.clear();
        b.onWriteResult(w, 0, DiskBallot.WriteStatus.OK, null, out);
        long r = requests(DiskIo.ReadBlocks.class).get(0).ioId();
        out.clear();
        b.onBlocksRead(r, 0, blocks(new BallotBlock(17, 0, Inp.NONE, 3), new BallotBlock(2, 0, Inp.NONE, 4)), out);
        assertEquals(new BallotResult.Superseded(4), finished());
    }

    @Test
    void aWriteWaitsWhileAnEarlierOneToTheSameDiskIsOutstanding() {
        DiskBallot b = recovered(3);
        b.read(17, out);
        List<DiskIo.WriteBlock> first = requests(DiskIo.WriteBlock.class);
        out.clear();
        b.onWriteResult(first.get(0).ioId(), 0, DiskBallot.WriteStatus.TIMED_OUT, null, out);
        b.onWriteResult(first.get(1).ioId(), 1, DiskBallot.WriteStatus.FAILED, "EIO", out);
        b.onWriteResult(first.get(2).ioId(), 2, DiskBallot.WriteStatus.FAILED, "EIO", out);
        assertInstanceOf(BallotResult.Unavailable.class, finished());
        assertTrue(b.writeInFlight(0), "the timed-out write is still outstanding");
        out.clear();
        b.read(33, out);
        List<DiskIo.WriteBlock> second = requests(DiskIo.WriteBlock.class);
        assertEquals(2, second.size(), "disk 0 must wait for its late completion");
        out.clear();
        b.onWriteResult(first.get(0).ioId(), 0, DiskBallot.WriteStatus.LATE, null, out);
        assertEquals(1, requests(DiskIo.WriteBlock.class).size());
        assertEquals(0, requests(DiskIo.WriteBlock.class).get(0).disk());
    }

    @Test
    void aRetriedRecoveryKeepsTheMbalAlreadyRead() {
        DiskBallot b = new DiskBallot(3, 1, 3);
        b.recover(out);
        List<DiskIo.ReadOwnBlock> reads = requests(DiskIo.ReadOwnBlock.class);
        out.clear();
        b.onOwnBlockRead(reads.get(0).ioId(), 0, new BallotBlock(49, 0, Inp.NONE, 3), out);
        b.onReadFailed(reads.get(1).ioId(), 1, "EIO", out);
        b.onReadFailed(reads.get(2).ioId(), 2, "EIO", out);
        assertInstanceOf(BallotResult.Unavailable.class, finished());
        out.clear();
        b.recover(out);
        assertEquals(49, b.dblock().mbal(), "mbal went back after a failed phase 0");
        reads = requests(DiskIo.ReadOwnBlock.class);
        out.clear();
        b.onOwnBlockRead(reads.get(1).ioId(), 1, BallotBlock.initial(3), out);
        b.onOwnBlockRead(reads.get(2).ioId(), 2, BallotBlock.initial(3), out);
        assertEquals(49, ((BallotResult.Recovered) finished()).dblock().mbal());
        out.clear();
        b.read(17, out);
        assertEquals(new BallotResult.Preempted(49), finished(), "a ballot at or below a recovered mbal preempts");
    }

    @Test
    void operationsBeforeRecoveryAndOverlappingOperationsAreRefused() {
        DiskBallot b = new DiskBallot(1, 1, 1);
        assertThrows(IllegalStateException.class, () -> b.read(5, out));
        DiskBallot r = recovered(1);
        r.read(5, out);
        assertThrows(IllegalStateException.class, () -> r.read(6, out));
        assertThrows(IllegalArgumentException.class, () -> new DiskBallot(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DiskBallot(8, 1, 1));
    }
}
