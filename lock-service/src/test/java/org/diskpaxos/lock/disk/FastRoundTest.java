package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CompletableFuture;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.junit.jupiter.api.Test;

/**
 * A host that takes a lease again that it was the last to hold, on the deterministic bench: it starts from the leader
 * it freed (no leader read) and decides the next version in the fast round (one block write per disk); when another
 * host has taken the lease in between, the same start is only a hint — its fast round is beaten, it reads the leader
 * and finds the lease busy — and once the other host let go it takes the lease with both ballot phases.
 */
class FastRoundTest {

    private static final long NO_WAIT = 0;
    private static final long LEADER_AT = LeaseHarness.resourceOffset(0);
    private static final long OWN_SECTOR_OF_1 = LEADER_AT + LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1);

    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host a = bench.host(1);
    private final LeaseHarness.Host b = bench.host(2);
    private int leaderReads;
    private int ownWrites;

    FastRoundTest() {
        for (LeaseHarness.Disk d : a.disks) {
            d.holdIf = io -> {
                if (!io.write && io.offsetBytes == LEADER_AT) {
                    leaderReads++;
                }
                if (io.write && io.offsetBytes == OWN_SECTOR_OF_1) {
                    ownWrites++;
                }
                return false;
            };
        }
    }

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private ReleaseResult release(LockspaceSession.HeldLease lease) {
        CompletableFuture<ReleaseResult> f = lease.releaseAsync();
        return bench.await(done -> f.thenAccept(done));
    }

    private void resetCounts() {
        leaderReads = 0;
        ownWrites = 0;
    }

    @Test
    void theLastOwnerTakesItAgainWithoutALeaderReadAndWithOneBlockWritePerDisk() {
        LockspaceSession.HeldLease first = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(1, first.fence());
        assertEquals(ReleaseResult.RELEASED, release(first));
        resetCounts();
        LockspaceSession.HeldLease second = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, second.fence());
        assertEquals(0, leaderReads, "started from the leader it freed");
        assertEquals(3, ownWrites, "phase 2 only: one block write per disk");
        assertEquals(ReleaseResult.RELEASED, release(second));
    }

    @Test
    void aFreedLeaderThatIsNoLongerTheNewestOnlyCostsAReadAndTheLeaseIsBusy() {
        assertEquals(ReleaseResult.RELEASED, release(held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT))));
        LockspaceSession.HeldLease bLease = held(b.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, bLease.fence());
        resetCounts();
        LockspaceSession.AcquireResult busy = a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertEquals(2, assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, busy, busy.toString())
                .ownerHostId(), "host 2 holds version 2");
        assertEquals(3, leaderReads, "the fast round was beaten, so it read the leader after all");
        assertEquals(ReleaseResult.RELEASED, release(bLease));
        resetCounts();
        LockspaceSession.HeldLease again = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(3, again.fence(), "the next version after host 2's, never one already granted");
        assertEquals(3, leaderReads);
        assertEquals(6, ownWrites, "not the last owner: both phases");
    }

    @Test
    void aDiskLeftOutAtTheLastLeaderReadMakesTheNextAcquireReadTheLeader() {
        LeaseHarness.Disk third = a.disks.get(2);
        third.failIf = io -> !io.write && io.offsetBytes == LEADER_AT;
        LockspaceSession.HeldLease first = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(ReleaseResult.RELEASED, release(first));
        third.failIf = io -> false;
        resetCounts();
        LockspaceSession.HeldLease second = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, second.fence());
        assertEquals(3, leaderReads, "the leader is read again, so the recovered disk is written again");
        assertEquals(ReleaseResult.RELEASED, release(second));
        resetCounts();
        held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(0, leaderReads, "every disk validated: back to starting from the freed leader");
    }
}
