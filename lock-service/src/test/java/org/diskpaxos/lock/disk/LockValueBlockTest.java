package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.junit.jupiter.api.Test;

/**
 * The lock value block through held leases on the deterministic bench: empty at first, a value an exclusive holder
 * sets is read by the next holder (shared or exclusive), a value that does not fit or a set by a shared, released or
 * lost holder is refused, a block damaged on a majority of disks reads as an error naming them, and a value that
 * cannot be written keeps the lease from being freed (so that nobody takes it without the value), and a value read
 * while the lease was being lost is not reported (a later holder may have written it).
 */
class LockValueBlockTest {

    private static final long NO_WAIT = 0;
    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host h1 = bench.host(1);
    private final LeaseHarness.Host h2 = bench.host(2);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private byte[] lvb(LockspaceSession.HeldLease lease) throws Exception {
        CompletableFuture<byte[]> f = lease.lvbAsync();
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertTrue(f.isDone(), "the read did not finish");
        return f.get();
    }

    private ReleaseResult release(LockspaceSession.HeldLease lease) {
        CompletableFuture<ReleaseResult> f = lease.releaseAsync();
        return bench.await(done -> f.thenAccept(done));
    }

    @Test
    void aValueAnExclusiveHolderSetsIsReadByTheNextHolders() throws Exception {
        LockspaceSession.HeldLease first = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(0, lvb(first).length, "never written: empty");
        byte[] value = "resume at offset 4711".getBytes(StandardCharsets.UTF_8);
        first.setLvb(value);
        assertArrayEquals(value, lvb(first), "the holder sees what it set");
        assertEquals(ReleaseResult.RELEASED, release(first));

        LockspaceSession.HeldLease reader = held(h2.acquire(0, LeaseOptions.SHARED, NO_WAIT));
        assertArrayEquals(value, lvb(reader));
        assertEquals(ReleaseResult.RELEASED, release(reader));
        LockspaceSession.HeldLease next = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertArrayEquals(value, lvb(next), "a holder that does not set a value leaves the old one");
        next.setLvb(new byte[next.lvbCapacityBytes()]);
        assertEquals(ReleaseResult.RELEASED, release(next));
        assertEquals(480, lvb(held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT))).length, "a full block round-trips");
    }

    @Test
    void valuesThatDoNotFitAndSetsByTheWrongHolderAreRefused() {
        LockspaceSession.HeldLease lease = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> lease.setLvb(new byte[lease.lvbCapacityBytes() + 1]));
        assertTrue(big.getMessage().contains("at most 480 bytes"), big.getMessage());
        assertThrows(NullPointerException.class, () -> lease.setLvb(null));
        release(lease);
        IllegalStateException released = assertThrows(IllegalStateException.class, () -> lease.setLvb(new byte[1]));
        assertTrue(released.getMessage().contains("RELEASED"), released.getMessage());
        ExecutionException readAfter = assertThrows(ExecutionException.class, () -> lease.lvbAsync().get());
        assertInstanceOf(LeaseLostException.class, readAfter.getCause());
    }

    @Test
    void aBlockDamagedOnAMajorityReadsAsAnErrorNamingTheDisks() throws Exception {
        LockspaceSession.HeldLease first = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        first.setLvb(new byte[] {1, 2, 3});
        release(first);
        int at = (int) LeaseHarness.resourceOffset(0) + LeaseHarness.GEOMETRY.resourceLvbOffsetBytes();
        bench.images.get(1)[at + 33] ^= 4;
        LockspaceSession.HeldLease second = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertArrayEquals(new byte[] {1, 2, 3}, lvb(second), "one damaged copy of three is outvoted");
        release(second);
        bench.images.get(2)[at + 20] ^= 4;
        LockspaceSession.HeldLease third = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        ExecutionException e = assertThrows(ExecutionException.class, () -> lvb(third));
        String message = assertInstanceOf(LeaseException.class, e.getCause()).getMessage();
        assertTrue(message.contains("h1-disk1 offset " + at) && message.contains("h1-disk2 offset " + at)
                && message.contains("BAD_CHECKSUM"), message);
    }

    @Test
    void aValueThatCannotBeWrittenKeepsTheLeaseFromBeingFreed() {
        LockspaceSession.HeldLease lease = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        long lvbAt = LeaseHarness.resourceOffset(0) + LeaseHarness.GEOMETRY.resourceLvbOffsetBytes();
        for (int d = 0; d < 2; d++) {
            h1.disks.get(d).failIf = io -> io.write && io.offsetBytes == lvbAt;
        }
        lease.setLvb(new byte[] {7});
        assertEquals(ReleaseResult.RELEASED_LOCALLY, release(lease));
        LockspaceSession.AcquireResult other = h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, other,
                "without its value the lease must not pass on while its holder lives: " + other);
    }

    @Test
    void aReadThatFinishesAfterTheLeaseWasLostReportsTheLossNotTheValue() {
        LockspaceSession.HeldLease first = held(h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        first.setLvb(new byte[] {9});
        release(first);
        LockspaceSession.HeldLease lease = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        long lvbAt = LeaseHarness.resourceOffset(0) + LeaseHarness.GEOMETRY.resourceLvbOffsetBytes();
        for (LeaseHarness.Disk d : h2.disks) {
            d.holdIf = io -> !io.write && io.offsetBytes == lvbAt;
        }
        CompletableFuture<byte[]> read = lease.lvbAsync();
        bench.advance(1);
        lease.markLost("test: the host's liveness lease expired while the read was in flight");
        for (LeaseHarness.Disk d : h2.disks) {
            d.holdIf = io -> false;
            for (LeaseHarness.Held io : java.util.List.copyOf(d.held)) {
                io.release();
            }
        }
        bench.advance(LeaseHarness.TIMEOUTS.ioTimeoutNs());
        assertTrue(read.isDone(), "the read did not finish");
        ExecutionException e = assertThrows(ExecutionException.class, read::get);
        assertInstanceOf(LeaseLostException.class, e.getCause());
    }
}
