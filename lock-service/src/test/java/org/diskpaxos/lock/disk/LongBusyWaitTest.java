package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.lock.inspect.TestDisks;
import org.junit.jupiter.api.Test;

/**
 * Regression: waiting for a live holder's release counted every look at the leader as a ballot round, so any wait
 * longer than 64 renewal intervals (16 s with the fast profile) failed with "no decision after 64 rounds" instead
 * of waiting until its deadline and reporting the lease busy.
 */
class LongBusyWaitTest {

    private static final LeaseTimeouts TIMEOUTS = new LeaseTimeouts(40_000_000L, 100);

    @Test
    void aWaitLongerThan64RenewalIntervalsEndsBusyAtItsDeadline() throws Exception {
        try (TestDisks disks = new TestDisks("wait")) {
            List<EmbeddedLeaseClient.Disk> ds = new ArrayList<>();
            for (Path f : disks.files) {
                ds.add(new EmbeddedLeaseClient.Disk(f, 0));
            }
            try (EmbeddedLeaseClient a = open(ds, 1); EmbeddedLeaseClient b = open(ds, 2)) {
                a.createResource("r");
                ResourceId r = ResourceId.parse("wait/r");
                Lease held = a.acquire(r, LeaseOptions.EXCLUSIVE);
                Duration wait = Duration.ofNanos(80 * TIMEOUTS.renewIntervalNs());
                long t0 = System.nanoTime();
                Optional<Lease> got = b.tryAcquire(r, wait, LeaseOptions.EXCLUSIVE);
                long waitedNs = System.nanoTime() - t0;
                assertTrue(got.isEmpty(), "granted while held");
                assertTrue(waitedNs >= wait.toNanos(), "gave up after " + waitedNs / 1_000_000 + " ms of "
                        + wait.toMillis());
                held.release();
            }
        }
    }

    private static EmbeddedLeaseClient open(List<EmbeddedLeaseClient.Disk> ds, int hostId) throws Exception {
        return EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config("wait", hostId, ds, TestDisks.GEOMETRY,
                TIMEOUTS, TestDisks.MAX_RESOURCES, new HostIdentity(String.format("%016x", hostId), "000000000000000b",
                        "w" + hostId)));
    }
}
