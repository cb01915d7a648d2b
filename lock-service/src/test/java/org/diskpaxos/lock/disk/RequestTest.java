package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.paxos.ondisk.DeltaLeaseDescriptor;
import org.diskpaxos.paxos.ondisk.HostIdBitmap;
import org.diskpaxos.paxos.ondisk.RequestRecord;
import org.diskpaxos.paxos.ondisk.RequestRecordDescriptor;
import org.junit.jupiter.api.Test;

/**
 * Requests on the deterministic bench (sanlock.md §2.7): a request writes the request record with the next version
 * and sets the holder's bit in the requester's delta lease for six I/O timeouts; the holder notices at its next scans
 * and is told — a graceful request leaves the lease held, a forced one makes it LOST and frees it a kill grace later;
 * shared holders are asked too; an old request does not disturb the next holder; and requests for an unknown
 * resource, a resource the requester holds, or a free resource are answered without writing anything.
 */
class RequestTest {

    private static final long NO_WAIT = 0;
    private static final long IO = LeaseHarness.TIMEOUTS.ioTimeoutNs();
    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host h1 = bench.host(1);
    private final LeaseHarness.Host h2 = bench.host(2);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private ResourceLeases.RequestOutcome request(LeaseHarness.Host h, ResourceId id, RequestMode mode) {
        return bench.await(done -> h.session.request(id, mode, done));
    }

    private RequestRecord requestRecordOn(int disk) {
        return RequestRecordDescriptor.decode(bench.area(disk, 0, 512, 512), 0).value();
    }

    private HostIdBitmap bitmapOf(int disk, int hostId) {
        int at = LeaseHarness.GEOMETRY.lockspaceHostOffsetBytes(hostId);
        return DeltaLeaseDescriptor.decode(ByteBuffer.wrap(bench.images.get(disk), at, 512).slice(), 0).value()
                .bitmap();
    }

    @Test
    void aGracefulRequestTellsTheHolderAndLeavesItTheLease() {
        LockspaceSession.HeldLease lease = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        ResourceLeases.RequestOutcome.Requested r = assertInstanceOf(ResourceLeases.RequestOutcome.Requested.class,
                request(h2, LeaseHarness.id(0), RequestMode.GRACEFUL));
        assertEquals(List.of(1L), r.holderHostIds());
        assertEquals(lease.fence() + 1, r.lver());
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            assertEquals(RequestRecord.request(lease.fence() + 1, RequestMode.GRACEFUL.forceMode()),
                    requestRecordOn(d));
        }
        assertFalse(lease.requested().isDone());
        bench.advance(2 * IO);
        assertTrue(bitmapOf(0, 2).isSet(1), "the requester's renewal carries the holder's bit");
        bench.advance(4 * IO);
        assertEquals(RequestMode.GRACEFUL, lease.requested().getNow(null), "the holder was told");
        assertEquals(LeaseState.HELD, lease.state(), "a graceful request takes nothing away");
        bench.advance(LeaseHarness.TIMEOUTS.requestBitKeepNs() + 2 * IO);
        assertTrue(bitmapOf(0, 2).isEmpty(), "the bit is kept for six I/O timeouts only");
    }

    @Test
    void aForcedRequestMakesTheLeaseLostAndFreesIt() {
        LockspaceSession.HeldLease lease = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        request(h2, LeaseHarness.id(0), RequestMode.FORCE);
        bench.advance(6 * IO);
        assertEquals(RequestMode.FORCE, lease.requested().getNow(null));
        assertEquals(LeaseState.LOST, lease.state());
        assertTrue(lease.lost().getNow("").contains("forced release"), lease.lost().getNow(""));
        bench.advance(2 * LeaseHarness.TIMEOUTS.killGraceNs());
        LockspaceSession.HeldLease taken = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertTrue(taken.fence() > lease.fence());
    }

    @Test
    void sharedHoldersAreAskedToo() {
        LockspaceSession.HeldLease r1 = held(h1.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        LockspaceSession.HeldLease r2 = held(h2.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        LeaseHarness.Host h3 = bench.host(3);
        ResourceLeases.RequestOutcome.Requested r = assertInstanceOf(ResourceLeases.RequestOutcome.Requested.class,
                request(h3, LeaseHarness.id(0), RequestMode.GRACEFUL));
        assertEquals(List.of(1L, 2L), r.holderHostIds());
        bench.advance(6 * IO);
        assertEquals(RequestMode.GRACEFUL, r1.requested().getNow(null));
        assertEquals(RequestMode.GRACEFUL, r2.requested().getNow(null));
    }

    @Test
    void anOldRequestDoesNotDisturbLaterHolders() {
        LockspaceSession.HeldLease first = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        request(h2, LeaseHarness.id(0), RequestMode.FORCE);
        bench.advance(6 * IO);
        assertEquals(LeaseState.LOST, first.state());
        bench.advance(2 * LeaseHarness.TIMEOUTS.killGraceNs());
        LockspaceSession.HeldLease second = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        h1.session.examineRequests(); // as a scan that saw h2's bit would: read the record, and let it be
        bench.advance(IO);
        assertEquals(first.fence() + 1, requestRecordOn(0).lver(), "the old request is still on disk");
        assertFalse(second.requested().isDone(), "the request was for version " + (first.fence() + 1) + ", "
                + "this holder has " + second.fence());
        assertEquals(LeaseState.HELD, second.state());
    }

    @Test
    void badRequestsAreAnsweredWithoutWritingAnything() {
        RequestRecord before = requestRecordOn(0);
        ResourceLeases.RequestOutcome unknown = request(h1, new ResourceId(LeaseHarness.LOCKSPACE, "nope"),
                RequestMode.GRACEFUL);
        String u = assertInstanceOf(ResourceLeases.RequestOutcome.Failed.class, unknown).reason();
        assertTrue(u.contains("unknown resource 'nope'"), u);
        ResourceLeases.RequestOutcome foreign = request(h1, new ResourceId("other", "res0"), RequestMode.GRACEFUL);
        String f = assertInstanceOf(ResourceLeases.RequestOutcome.Failed.class, foreign).reason();
        assertTrue(f.contains("not in lockspace 'ls'"), f);
        ResourceLeases.RequestOutcome free = request(h1, LeaseHarness.id(0), RequestMode.FORCE);
        assertTrue(assertInstanceOf(ResourceLeases.RequestOutcome.Requested.class, free).holderHostIds().isEmpty());
        held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        ResourceLeases.RequestOutcome own = request(h1, LeaseHarness.id(0), RequestMode.FORCE);
        String o = assertInstanceOf(ResourceLeases.RequestOutcome.Failed.class, own).reason();
        assertTrue(o.contains("holds"), o);
        assertEquals(before, requestRecordOn(0), "nothing was written to the request record");
        bench.advance(2 * IO);
        assertTrue(bitmapOf(0, 1).isEmpty(), "nobody was signalled");
    }
}
