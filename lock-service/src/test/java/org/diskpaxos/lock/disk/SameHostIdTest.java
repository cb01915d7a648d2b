package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.lock.inspect.TestDisks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: a second process of the same machine and boot that starts with a host id already in use (two daemons
 * configured alike) must fail to join without writing to the slot. Before the fix it waited out the slot's timestamp
 * as read once, then wrote a new generation over the live holder's slot; a third host waiting for the live holder's
 * lease took that new generation as proof the holder had restarted and acquired the lease while it was still held.
 */
class SameHostIdTest {

    private TestDisks disks;
    private final List<EmbeddedLeaseClient> opened = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        disks = new TestDisks("dup");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (EmbeddedLeaseClient c : opened) {
            c.close();
        }
        disks.close();
    }

    private EmbeddedLeaseClient open(int hostId, HostIdentity identity) throws Exception {
        List<EmbeddedLeaseClient.Disk> ds = new ArrayList<>();
        for (Path f : disks.files) {
            ds.add(new EmbeddedLeaseClient.Disk(f, 0));
        }
        EmbeddedLeaseClient c = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config("dup", hostId, ds,
                TestDisks.GEOMETRY, TestDisks.TIMEOUTS, TestDisks.MAX_RESOURCES, identity));
        opened.add(c);
        return c;
    }

    @Test
    void aDuplicateHostIdOnTheSameMachineFailsWithoutDisturbingTheHolder() throws Exception {
        HostIdentity machine = new HostIdentity("00000000000000aa", "00000000000000bb", "twin");
        EmbeddedLeaseClient holder = open(5, machine);
        EmbeddedLeaseClient contender = open(6, new HostIdentity("00000000000000cc", "00000000000000dd", "other"));
        holder.createResource("r");
        ResourceId r = ResourceId.parse("dup/r");
        Lease held = holder.acquire(r, LeaseOptions.EXCLUSIVE);
        CompletableFuture<Optional<Lease>> stolen = CompletableFuture.supplyAsync(() -> {
            try {
                return contender.tryAcquire(r, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int attempt = 0; attempt < 5; attempt++) {
            LeaseException e = assertThrows(LeaseException.class, () -> open(5, machine));
            assertTrue(e.getMessage().contains("host id 5") && e.getMessage().contains("in use"), e.getMessage());
            assertEquals(LeaseState.HELD, held.state(), "the live holder lost its lease to a failed twin");
            assertTrue(!stolen.isDone() || stolen.join().isEmpty(), "host 6 took the lease from the live holder");
        }
        Optional<Lease> got = stolen.join();
        assertTrue(got.isEmpty(), "host 6 acquired " + r + " while host 5 held it (fence " + held.fence() + ")");
        assertEquals(Lockspace.State.JOINED, holder.membership());
        held.release();
    }
}
