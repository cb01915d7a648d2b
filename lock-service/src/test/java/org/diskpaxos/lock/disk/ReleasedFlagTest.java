package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.junit.jupiter.api.Test;

/**
 * sanlock's "leader clobbered" race (sanlock.md §2.2), played out step by step on the deterministic bench:
 *
 * <pre>
 *  host 1 (A)                                   host 2 (B)
 *  ────────────────────────────────────────     ─────────────────────────────────────────────────────
 *  decides lver 1 = A; its leader write stalls
 *                                               reads the old leader (lver 0, free), runs lver 1,
 *                                               adopts A's committed value; its leader write
 *                                               (lver 1, owner A, write_id B) stalls
 *  leader write lands; A releases: dblock
 *  RELEASED, leader lver 1 free
 *                                               the late write lands: the leader names A again
 * </pre>
 *
 * A is alive, and the leader says it owns the lease: without the RELEASED flag nobody could take it until A leaves or
 * dies. With it, B (and anyone) sees on a majority of disks that A let go of lver 1 and runs lver 2. The controls: a
 * holder that has not released keeps the lease, whatever the leader's writer, and a flag on a minority of disks is
 * not enough until the holder's background rewrite has put it on the others.
 */
class ReleasedFlagTest {

    private static final long NO_WAIT = 0;
    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host a = bench.host(1);
    private final LeaseHarness.Host b = bench.host(2);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private static void holdLeaderWrites(LeaseHarness.Host h, boolean hold) {
        long leaderAt = LeaseHarness.resourceOffset(0);
        for (LeaseHarness.Disk d : h.disks) {
            d.holdIf = io -> hold && io.write && io.offsetBytes == leaderAt;
        }
    }

    private static void releaseHeld(LeaseHarness.Host h) {
        for (LeaseHarness.Disk d : h.disks) {
            for (LeaseHarness.Held io : List.copyOf(d.held)) {
                io.release();
            }
        }
    }

    private LeaderRecord leaderOn(int disk) {
        return LeaderRecordDescriptor.decode(bench.area(disk, 0, 0, 512), 0).value();
    }

    private Dblock dblockOf(int disk, long hostId) {
        return DblockDescriptor.decode(bench.area(disk, 0, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(hostId), 512),
                0).value();
    }

    /** Plays the race up to the point where B's late leader write is about to land; returns A's lease and B's result. */
    private LockspaceSession.HeldLease raceUntilBothDecided(List<LockspaceSession.AcquireResult> bResult) {
        holdLeaderWrites(a, true);
        LockspaceSession.HeldLease lease = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(1, lease.fence());
        assertEquals(0, leaderOn(0).lver(), "A's leader write has not landed");
        holdLeaderWrites(b, true);
        b.session.acquire(LeaseHarness.id(0), LeaseOptions.EXCLUSIVE, bench.loop.nowNs() + 200_000_000L,
                bResult::add);
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertTrue(bResult.isEmpty(), "B is writing the leader it learned");
        assertFalse(b.disks.get(0).held.isEmpty(), "B adopted A's value and holds a leader write");
        holdLeaderWrites(a, false);
        releaseHeld(a);
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs() / 10);
        assertEquals(1, leaderOn(0).ownerId());
        return lease;
    }

    @Test
    void aLeaderClobberedAfterTheOwnersReleaseDoesNotKeepOthersOut() {
        List<LockspaceSession.AcquireResult> bResult = new ArrayList<>();
        LockspaceSession.HeldLease lease = raceUntilBothDecided(bResult);
        Dblock beforeRelease = dblockOf(0, 1);
        CompletableFuture<ReleaseResult> released = lease.releaseAsync();
        // The flag follows the freed leader by RELEASED_FLAG_DELAY_NS.
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + LeaseHarness.TIMEOUTS.ioTimeoutNs() / 10);
        assertEquals(ReleaseResult.RELEASED, released.getNow(null));
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertTrue(leaderOn(d).isFree(), "A freed the leader on disk " + d);
            assertEquals(beforeRelease.withFlags(DblockDescriptor.DBLOCK_FL_RELEASED), dblockOf(d, 1),
                    "A's block keeps its values and gains RELEASED on disk " + d);
        }

        holdLeaderWrites(b, false);
        releaseHeld(b); // the late write lands now
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            LeaderRecord clobbered = leaderOn(d);
            assertEquals(1, clobbered.lver());
            assertEquals(1, clobbered.ownerId());
            assertEquals(2, clobbered.writeId(), "written by B");
            assertFalse(clobbered.isFree(), "the release was clobbered on disk " + d);
        }
        bench.advance(20 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        LockspaceSession.HeldLease taken = held(bResult.get(0));
        assertEquals(2, taken.fence(), "B ran the next version at once: A's block says it let go of version 1");
    }

    @Test
    void aClobberedLeaderOfAHolderThatHasNotReleasedKeepsTheLeaseBusy() {
        List<LockspaceSession.AcquireResult> bResult = new ArrayList<>();
        raceUntilBothDecided(bResult);
        holdLeaderWrites(b, false);
        releaseHeld(b);
        bench.advance(30 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        LockspaceSession.AcquireResult result = bResult.get(0);
        LockspaceSession.AcquireResult.Busy busy = assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, result,
                result.toString());
        assertEquals(1, busy.ownerHostId());
    }

    @Test
    void theFlagOnAMinorityIsNotEnoughUntilTheHolderRewritesItEverywhere() {
        List<LockspaceSession.AcquireResult> bResult = new ArrayList<>();
        LockspaceSession.HeldLease lease = raceUntilBothDecided(bResult);
        long sectorA = LeaseHarness.resourceOffset(0) + LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1);
        for (int d = 0; d < 2; d++) {
            a.disks.get(d).failIf = io -> io.write && io.offsetBytes == sectorA;
        }
        CompletableFuture<ReleaseResult> released = lease.releaseAsync();
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + LeaseHarness.TIMEOUTS.ioTimeoutNs() / 10);
        assertEquals(ReleaseResult.RELEASED, released.getNow(null), "the leader was freed");
        assertFalse(dblockOf(0, 1).isReleased());
        assertTrue(dblockOf(2, 1).isReleased());
        holdLeaderWrites(b, false);
        releaseHeld(b);
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs() / 2);
        assertTrue(bResult.isEmpty(), "one disk of three says A let go: not enough, B keeps waiting");
        for (int d = 0; d < 2; d++) {
            a.disks.get(d).failIf = io -> false;
        }
        bench.advance(20 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertTrue(dblockOf(0, 1).isReleased(), "A's background rewrite reached disk 0");
        assertEquals(2, held(bResult.get(0)).fence());
    }

    @Test
    void theLeaderRecordStaysSanlockValid() {
        LockspaceSession.HeldLease lease = held(a.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        bench.await(done -> lease.releaseAsync().thenAccept(done));
        ByteBuffer sector = bench.area(0, 0, 0, 512);
        assertEquals(org.diskpaxos.paxos.ondisk.Verdict.VALID, LeaderRecordDescriptor.decode(sector, 0).verdict());
        assertEquals(org.diskpaxos.paxos.ondisk.Verdict.VALID, DblockDescriptor.decode(
                bench.area(0, 0, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1), 512), 0).verdict(),
                "the RELEASED flag is outside sanlock's dblock checksum");
    }
}
