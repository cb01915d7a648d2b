package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.ModeBlockDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Shared leases on the deterministic bench: readers overlap and each gets the version it acquired under as its token;
 * an exclusive acquirer is kept out while any reader lives and gets in once the last one released or was proven
 * gone, clearing the dead reader's mode block; readers that collide on the short exclusive hold both get the lease;
 * and releasing a shared lease twice, after its loss, or for a version not held changes nothing.
 */
class SharedLeaseTest {

    private static final long NO_WAIT = 0;
    private final LeaseHarness bench = new LeaseHarness(1);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private ReleaseResult release(LockspaceSession.HeldLease lease) {
        CompletableFuture<ReleaseResult> f = lease.releaseAsync();
        return bench.await(done -> f.thenAccept(done));
    }

    private ModeBlock modeBlockOf(int disk, long hostId) {
        ByteBuffer sector = bench.area(disk, 0, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(hostId), 512);
        return ModeBlockDescriptor.decode(sector, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR).value();
    }

    /**
     * Lease simulation seed 3318: a disk acknowledged a reader's SHARED mode-block write but put it elsewhere. Counted
     * toward the majority, the block was on one disk only, and a writer whose reads missed that disk was granted the
     * lease beside the reader. Own-sector writes now count only disks that read back what was written.
     */
    @Test
    void aModeBlockWriteADiskMisdirectedDoesNotCountTowardTheMajority() {
        LeaseHarness.Host reader = bench.host(1);
        LeaseHarness.Host writer = bench.host(2);
        long sector = LeaseHarness.resourceOffset(0) + LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1);
        java.util.function.Predicate<LeaseHarness.Held> sharedBlockOfReader = io -> io.write
                && io.offsetBytes == sector && ModeBlockDescriptor.isShared(io.buffer.bytes(),
                AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR);
        reader.disks.get(0).misdirectIf = sharedBlockOfReader;
        reader.disks.get(1).failIf = sharedBlockOfReader;
        writer.disks.get(2).failIf = io -> true;

        LockspaceSession.AcquireResult read = reader.acquire(0, LeaseOptions.SHARED, NO_WAIT);
        LockspaceSession.AcquireResult write = writer.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertFalse(read instanceof LockspaceSession.AcquireResult.Acquired
                && write instanceof LockspaceSession.AcquireResult.Acquired,
                "a reader and a writer both hold the lease: " + read + " / " + write);
        assertFalse(read instanceof LockspaceSession.AcquireResult.Acquired,
                "the SHARED block is readable on one disk only, yet the reader holds the lease: " + read);
    }

    @Test
    void readersOverlapAndKeepAWriterOutUntilTheLastOneReleases() {
        LeaseHarness.Host h1 = bench.host(1);
        LeaseHarness.Host h2 = bench.host(2);
        LeaseHarness.Host h3 = bench.host(3);
        LockspaceSession.HeldLease a = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        LockspaceSession.HeldLease b = held(h2.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        assertEquals(LeaseMode.SHARED, a.mode());
        assertNotEquals(a.fence(), b.fence(), "each reader's token is the version it acquired under");
        assertEquals(LeaseState.HELD, a.state());
        assertEquals(LeaseState.HELD, b.state());
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertEquals(ModeBlock.shared(h1.lockspace.generation()), modeBlockOf(d, 1));
            assertEquals(ModeBlock.shared(h2.lockspace.generation()), modeBlockOf(d, 2));
        }
        LockspaceSession.AcquireResult refused = h3.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, refused, refused.toString());

        assertEquals(ReleaseResult.RELEASED, release(a));
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertEquals(ModeBlock.NONE, modeBlockOf(d, 1), "a released reader's mode block is cleared");
        }
        LockspaceSession.AcquireResult stillRefused = h3.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        LockspaceSession.AcquireResult.Busy busy = assertInstanceOf(LockspaceSession.AcquireResult.Busy.class,
                stillRefused, stillRefused.toString());
        assertEquals(2, busy.ownerHostId(), "the live reader is named");

        assertEquals(ReleaseResult.RELEASED, release(b));
        LockspaceSession.HeldLease writer = held(h3.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertTrue(writer.fence() > Math.max(a.fence(), b.fence()), writer.fence() + " after " + b.fence());
        LockspaceSession.AcquireResult readerRefused = h1.acquire(0, LeaseOptions.SHARED, NO_WAIT);
        assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, readerRefused, "a reader waits for the writer");
    }

    @Test
    void aWriterWaitingForReadersGetsInWhenTheyRelease() {
        LeaseHarness.Host h1 = bench.host(1);
        LeaseHarness.Host h2 = bench.host(2);
        LockspaceSession.HeldLease reader = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        LockspaceSession.AcquireResult[] writer = new LockspaceSession.AcquireResult[1];
        h2.session.acquire(LeaseHarness.id(0), LeaseOptions.EXCLUSIVE, bench.loop.nowNs() + 1_000_000_000L,
                r -> writer[0] = r);
        bench.advance(10 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertEquals(null, writer[0], "the writer must wait while the reader holds");
        reader.releaseAsync();
        bench.advance(5 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertTrue(held(writer[0]).fence() > reader.fence());
    }

    @Test
    void aReaderProvenGoneNoLongerCountsAndItsModeBlockIsCleared() {
        LeaseHarness.Host h1 = bench.host(1);
        LeaseHarness.Host h2 = bench.host(2);
        LockspaceSession.HeldLease reader = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        h1.cutOff(); // its renewals fail from now on
        long waitNs = 3 * LeaseHarness.TIMEOUTS.hostDeadNs();
        LockspaceSession.HeldLease writer = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, waitNs));
        assertEquals(LeaseState.LOST, reader.state(), "the reader lost its lease before the writer got it");
        assertTrue(writer.fence() > reader.fence());
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs());
        int cleared = 0;
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            cleared += modeBlockOf(d, 1).isShared() ? 0 : 1;
        }
        assertTrue(cleared >= 2, "the dead reader's mode block is cleared on a majority, got " + cleared);
    }

    @Test
    void readersCollidingOnTheShortExclusiveHoldBothGetTheLease() {
        LeaseHarness.Host h1 = bench.host(1);
        LeaseHarness.Host h2 = bench.host(2);
        LeaseHarness.Host h3 = bench.host(3);
        LockspaceSession.AcquireResult[] results = new LockspaceSession.AcquireResult[3];
        long deadline = bench.loop.nowNs() + 50 * LeaseHarness.TIMEOUTS.ioTimeoutNs();
        h1.session.acquire(LeaseHarness.id(0), LeaseOptions.SHARED, deadline, r -> results[0] = r);
        h2.session.acquire(LeaseHarness.id(0), LeaseOptions.SHARED, deadline, r -> results[1] = r);
        h3.session.acquire(LeaseHarness.id(0), LeaseOptions.SHARED, deadline, r -> results[2] = r);
        bench.advance(60 * LeaseHarness.TIMEOUTS.ioTimeoutNs());
        java.util.Set<Long> fences = new java.util.HashSet<>();
        for (LockspaceSession.AcquireResult r : results) {
            LockspaceSession.HeldLease lease = held(r);
            assertEquals(LeaseState.HELD, lease.state());
            fences.add(lease.fence());
        }
        assertEquals(3, fences.size(), "three versions, one per reader: " + fences);
        ByteBuffer leader = bench.area(0, 0, 0, 512);
        assertFalse(LeaderRecordDescriptor.decode(leader, 0).value().hasShortHold(), "the short holds ended");
    }

    @Test
    void releasingASharedLeaseTwiceOrAfterItsLossChangesNothing() {
        LeaseHarness.Host h1 = bench.host(1);
        LockspaceSession.HeldLease reader = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        assertThrows(IllegalStateException.class, () -> reader.setLvb(new byte[] {1}),
                "only an exclusive holder writes the lock value block");
        assertEquals(ReleaseResult.RELEASED, release(reader));
        assertEquals(ReleaseResult.ALREADY_RELEASED, release(reader));
        assertEquals(LeaseState.RELEASED, reader.state());

        LockspaceSession.HeldLease again = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        h1.cutOff();
        bench.advance(2 * LeaseHarness.TIMEOUTS.validForNs());
        assertEquals(LeaseState.LOST, again.state());
        assertEquals(ReleaseResult.ALREADY_LOST, release(again));
    }

    @Test
    void aSharedReleaseForAVersionThisHostDoesNotHoldWritesNothing() {
        LeaseHarness.Host h1 = bench.host(1);
        LockspaceSession.HeldLease reader = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        byte[][] before = new byte[LeaseHarness.DISKS][];
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            before[d] = bench.images.get(d).clone();
        }
        ResourceLeases leases = new ResourceLeases(h1.lockspace, org.diskpaxos.paxos.RandomSource.seeded(1));
        org.diskpaxos.paxos.ondisk.LeaderRecord notHeld = reader.leader().withLver(reader.fence() + 5);
        String failure = bench.await(done -> leases.release(h1.areas[0], notHeld, LeaseMode.SHARED, null,
                CompletableFuture.completedFuture(null), done));
        assertTrue(failure != null && failure.contains("not " + (reader.fence() + 5)), failure);
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertTrue(java.util.Arrays.equals(before[d], bench.images.get(d)), "disk " + d + " was written");
        }
        assertTrue(DblockDescriptor.decode(bench.area(0, 0, LeaseHarness.GEOMETRY.resourceDblockOffsetBytes(1), 512),
                0).value().isReleased(), "the short exclusive hold stays released");
        assertEquals(LeaseState.HELD, reader.state());
    }

    @Test
    void aSecondAcquireOfAResourceThisProcessHoldsFails() {
        LeaseHarness.Host h1 = bench.host(1);
        held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        LockspaceSession.AcquireResult twice = h1.acquire(0, LeaseOptions.SHARED, NO_WAIT);
        String message = assertInstanceOf(LockspaceSession.AcquireResult.Failed.class, twice).message();
        assertTrue(message.contains("already holds"), message);
    }
}
