package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Arrays;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.junit.jupiter.api.Test;

/**
 * A leader record put back to an older version by a late write (a shared acquirer freeing its short hold after
 * others moved on; lease simulation seed 1777) must not stop the resource from being acquired: an acquire that
 * finds blocks of a later instance than the leader names decides that instance, learns its owner, and goes on.
 */
class StaleLeaderTest {

    private static final long NO_WAIT = 0;
    private final LeaseHarness bench = new LeaseHarness(1);
    private final LeaseHarness.Host h1 = bench.host(1);
    private final LeaseHarness.Host h2 = bench.host(2);

    private static LockspaceSession.HeldLease held(LockspaceSession.AcquireResult r) {
        return assertInstanceOf(LockspaceSession.AcquireResult.Acquired.class, r, r.toString()).lease();
    }

    private void cycle(LeaseHarness.Host h, long expectedFence) {
        LockspaceSession.HeldLease lease = held(h.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(expectedFence, lease.fence());
        assertEquals(ReleaseResult.RELEASED, bench.await(done -> lease.releaseAsync().thenAccept(done)));
        // Let the RELEASED flag land (it follows the freed leader by RELEASED_FLAG_DELAY_NS): a leader put back
        // over the freed one is then no reason to wait.
        bench.advance(ResourceLeases.RELEASED_FLAG_DELAY_NS + LeaseHarness.TIMEOUTS.ioTimeoutNs() / 10);
    }

    private byte[][] leaders() {
        byte[][] copies = new byte[LeaseHarness.DISKS][];
        int at = (int) LeaseHarness.resourceOffset(0);
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            copies[d] = Arrays.copyOfRange(bench.images.get(d), at, at + 512);
        }
        return copies;
    }

    private void putBack(byte[][] copies) {
        int at = (int) LeaseHarness.resourceOffset(0);
        for (int d = 0; d < LeaseHarness.DISKS; d++) {
            System.arraycopy(copies[d], 0, bench.images.get(d), at, 512);
        }
    }

    @Test
    void aLeaderPutBackTwoVersionsIsOvertakenNotFollowedForever() {
        cycle(h1, 1);
        byte[][] version1 = leaders();
        cycle(h2, 2);
        cycle(h1, 3);
        putBack(version1); // the late write lands on every disk: the leader says version 1, free
        cycle(h2, 4);      // deciding 2 finds blocks of 3: decide 3 (learn h1, released), then 4
        cycle(h1, 5);
    }

    @Test
    void aLeaderPutBackWhileTheNewestOwnerHoldsKeepsTheLeaseBusy() {
        cycle(h1, 1);
        byte[][] version1 = leaders();
        LockspaceSession.HeldLease holding = held(h2.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT));
        assertEquals(2, holding.fence());
        putBack(version1);
        LockspaceSession.AcquireResult other = h1.acquire(0, LeaseOptions.EXCLUSIVE, NO_WAIT);
        assertInstanceOf(LockspaceSession.AcquireResult.Busy.class, other,
                "instance 2 is decided for host 2, which holds it: " + other);
        assertEquals(ReleaseResult.RELEASED, bench.await(done -> holding.releaseAsync().thenAccept(done)));
        cycle(h1, 3);
    }
}
