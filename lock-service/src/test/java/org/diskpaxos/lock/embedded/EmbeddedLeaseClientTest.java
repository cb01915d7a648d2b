package org.diskpaxos.lock.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded lease client on three real files with direct I/O, as two hosts in one JVM: leases by name with
 * fencing tokens that grow, a busy lease refused until released, release of a lost lease, and a lockspace of the
 * wrong name refused with the disk and offset named.
 */
class EmbeddedLeaseClientTest {

    private static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final LeaseTimeouts TIMEOUTS = new LeaseTimeouts(100_000_000L, 100);
    private Path dir;
    private final List<EmbeddedLeaseClient> clients = new ArrayList<>();

    @BeforeEach
    void format() throws IOException {
        dir = Files.createTempDirectory(Path.of("target"), "embedded");
        LockspaceLayout layout = new LockspaceLayout(GEOMETRY, 64);
        List<LockspaceFormat.Target> targets = new ArrayList<>();
        List<BlockDevice> devices = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            BlockDevice dev = BlockDevices.open(dir.resolve("disk" + d), BlockDeviceOptions.direct()
                    .withSectorSize(512).withCreateSize(layout.bytesFor(8)));
            devices.add(dev);
            targets.add(new LockspaceFormat.Target(dev, 0));
        }
        LockspaceFormat.format("ls", layout, targets, 1, false);
        for (BlockDevice d : devices) {
            d.close();
        }
    }

    @AfterEach
    void close() throws IOException {
        for (EmbeddedLeaseClient c : clients) {
            c.close();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private EmbeddedLeaseClient client(String lockspace, int hostId) throws LeaseException, InterruptedException {
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            disks.add(new EmbeddedLeaseClient.Disk(dir.resolve("disk" + d), 0));
        }
        HostIdentity identity = new HostIdentity(String.format("%016x", 0xabc000L + hostId), "00000000000000b1",
                "test" + hostId);
        EmbeddedLeaseClient c = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(lockspace, hostId, disks,
                GEOMETRY, TIMEOUTS, 64, identity));
        clients.add(c);
        return c;
    }

    @Test
    void leasesByNameWithGrowingTokensAndBusyUntilReleased() throws Exception {
        EmbeddedLeaseClient a = client("ls", 1);
        EmbeddedLeaseClient b = client("ls", 2);
        a.createResource("db");
        assertEquals(List.of("db"), b.listResources());
        ResourceId db = ResourceId.parse("ls/db");
        Lease first = a.acquire(db, LeaseOptions.EXCLUSIVE);
        assertEquals(LeaseState.HELD, first.state());
        first.checkValid();
        Optional<Lease> refused = b.tryAcquire(db, Duration.ofMillis(300), LeaseOptions.EXCLUSIVE);
        assertTrue(refused.isEmpty(), "a live holder's lease was granted to another host");
        assertEquals(ReleaseResult.RELEASED, first.release());
        assertEquals(ReleaseResult.ALREADY_RELEASED, first.release());
        assertThrows(LeaseLostException.class, first::checkValid);
        Lease second = b.tryAcquire(db, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE).orElseThrow();
        assertTrue(second.fence() > first.fence(), second.fence() + " not above " + first.fence());
        second.close();
    }

    @Test
    void aLeaseIsLostWhenTheHostsMembershipLapsesAndReleasingItIsNotAnError() throws Exception {
        EmbeddedLeaseClient a = client("ls", 3);
        a.createResource("vm");
        Lease lease = a.acquire(ResourceId.parse("ls/vm"), LeaseOptions.EXCLUSIVE);
        // Closing the disks under the client stops renewals; the lease must turn LOST on its own deadline.
        a.close();
        clients.remove(a);
        long deadline = System.nanoTime() + 10 * TIMEOUTS.validForNs();
        while (lease.state() != LeaseState.LOST && lease.state() != LeaseState.RELEASED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(lease.state() == LeaseState.RELEASED || lease.state() == LeaseState.LOST, lease.toString());
        ReleaseResult r = lease.release();
        assertTrue(r == ReleaseResult.ALREADY_LOST || r == ReleaseResult.ALREADY_RELEASED, r.toString());
    }

    @Test
    void aLockspaceOfAnotherNameIsRefusedNamingTheDisk() {
        LeaseException e = assertThrows(LeaseException.class, () -> client("other", 1));
        assertTrue(e.getMessage().matches(".*disk[012] offset 0: lockspace area belongs to lockspace 'ls'.*"), e.getMessage());
    }

    @Test
    void anUnknownResourceIsNamed() throws Exception {
        EmbeddedLeaseClient a = client("ls", 4);
        LeaseException e = assertThrows(LeaseException.class,
                () -> a.tryAcquire(ResourceId.parse("ls/nope"), Duration.ofSeconds(1), LeaseOptions.EXCLUSIVE));
        assertTrue(e.getMessage().contains("unknown resource 'nope'"), e.getMessage());
    }
}
