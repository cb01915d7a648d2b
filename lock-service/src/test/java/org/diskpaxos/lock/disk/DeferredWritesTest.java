package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The two writes of an acquire-release pair that only tell others sooner — the leader record naming the new owner,
 * and the releasing holder's RELEASED flag — wait a moment ({@link ResourceLeases#OWNER_LEADER_DELAY_NS},
 * {@link ResourceLeases#RELEASED_FLAG_DELAY_NS}) and are left out when the next write of the same sector makes them
 * moot. Others are never misled meanwhile: they learn the owner from the ballot, a request still reaches the holder,
 * and an acquirer is not kept out by its own record of an owner that has already freed the lease.
 */
class DeferredWritesTest {

    private static final long NO_WAIT = 0;
    private static final long IO = LeaseHarness.TIMEOUTS.ioTimeoutNs();
    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host a = bench.host(1);
    private final LeaseHarness.Host b = bench.host(2);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private ReleaseResult release(LockspaceSession.HeldLease lease) {
        return bench.await(done -> lease.releaseAsync().thenAccept(done));
    }

    private LeaderRecord leaderOn(int disk) {
        return LeaderRecordDescriptor.decode(bench.area(disk, 0, 0, 512), 0).value();
    }

    private Dblock dblockOf(int disk, long hostId) {
        return DblockDescriptor.decode(bench.area(disk, 0, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(hostId), 512),
                0).value();
    }

    /** Counts host {@code h}'s writes at {@code offsetInArea} of the resource area, on every disk. */
    private static AtomicInteger countWrites(LeaseHarness.Host h, long offsetInArea) {
        AtomicInteger writes = new AtomicInteger();
        long at = LeaseHarness.resourceOffset(0) + offsetInArea;
        for (LeaseHarness.Disk d : h.disks) {
            d.failIf = io -> {
                if (io.write && io.offsetBytes == at) {
                    writes.incrementAndGet();
                }
                return false;
            };
        }
        return writes;
    }

    @Test
    void theOwnersLeaderRecordFollowsTheAcquireAndOthersLearnTheOwnerFromTheBallotMeanwhile() {
        LockspaceSession.HeldLease lease = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(1, lease.fence());
        assertEquals(0, leaderOn(0).lver(), "the leader naming A is not written yet");
        LockspaceSession.AcquireResult other = b.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        LockspaceSession.AcquireResult.Busy busy = assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, other,
                other.toString());
        assertEquals(1, busy.ownerHostId(), "B's ballot for version 1 adopted A's value");
        bench.advance(ResourceLeases.OWNER_LEADER_DELAY_NS + IO);
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            LeaderRecord l = leaderOn(d);
            assertEquals(1, l.lver());
            assertEquals(1, l.ownerId());
            assertFalse(l.isFree());
        }
        assertEquals(ReleaseResult.RELEASED, release(lease));
    }

    @Test
    void aReleaseWithinTheDelayWritesTheLeaderOnceAndTheFlagAMomentLater() {
        AtomicInteger leaderWrites = countWrites(a, 0);
        LockspaceSession.HeldLease lease = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(ReleaseResult.RELEASED, release(lease));
        assertEquals(LeaseHarness.DISKS, leaderWrites.get(), "one leader write per disk: the freed record");
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertTrue(leaderOn(d).isFree());
            assertEquals(1, leaderOn(d).lver());
            assertFalse(dblockOf(d, 1).isReleased(), "the flag waits");
        }
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + IO);
        assertEquals(LeaseHarness.DISKS, leaderWrites.get());
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertTrue(dblockOf(d, 1).isReleased(), "the flag is on disk " + d);
            assertEquals(1, dblockOf(d, 1).lver());
        }
    }

    @Test
    void theFlagIsLeftOutWhenTheHolderTakesTheLeaseAgainFirst() {
        AtomicInteger ownWrites = countWrites(a, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1));
        LockspaceSession.HeldLease first = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(ReleaseResult.RELEASED, release(first));
        int afterFirst = ownWrites.get();
        LockspaceSession.HeldLease second = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, second.fence());
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + IO);
        assertEquals(afterFirst + LeaseHarness.DISKS, ownWrites.get(),
                "the second acquire's block (the fast round) is the only write: the flag for version 1 was dropped");
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertEquals(2, dblockOf(d, 1).lver());
            assertFalse(dblockOf(d, 1).isReleased());
        }
        // Others see version 1 as let go all the same: the holder's block is of a later version.
        LockspaceSession.AcquireResult other = b.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertEquals(1, assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, other, other.toString())
                .ownerHostId(), "A holds version 2");
        assertEquals(ReleaseResult.RELEASED, release(second));
        assertEquals(3, held(b.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT)).fence());
    }

    @Test
    void anAcquirerThatLearnsAnOwnerWhoHasFreedTheLeaseDoesNotWriteItBackAsOwned() {
        LockspaceSession.HeldLease first = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(ReleaseResult.RELEASED, release(first));
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + IO);
        LockspaceSession.HeldLease second = held(b.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, second.fence());
        assertEquals(ReleaseResult.RELEASED, release(second));
        assertFalse(dblockOf(0, 2).isReleased(), "B's flag has not landed yet");
        // A starts from the leader it freed (version 1), loses the fast round for version 2 to B's ballot and learns
        // that B owned it; the leader on disk already says version 2, freed, and A must not write "owned" over it.
        AtomicInteger leaderWrites = countWrites(a, 0);
        LockspaceSession.HeldLease third = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(3, third.fence());
        assertEquals(0, leaderWrites.get(), "no leader write by A before it holds version 3");
        assertEquals(ReleaseResult.RELEASED, release(third));
    }
}
