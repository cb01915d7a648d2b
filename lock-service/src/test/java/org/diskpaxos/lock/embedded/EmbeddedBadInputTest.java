package org.diskpaxos.lock.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.api.StorageUnavailableException;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input through the embedded client, on real files: a wrong or foreign lockspace, an unknown resource, a sector
 * size or host count that does not match the format, and a disk too short for its lockspace. Each is refused with an
 * error that names the disk and offset, nothing is granted, and nothing is written on an area that is not ours
 * (the bytes are compared before and after).
 */
class EmbeddedBadInputTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private LeaseFixture fx;

    @AfterEach
    void cleanUp() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "'" + message + "' does not mention '" + p + "'");
        }
    }

    @Test
    void aLockspaceOfAnotherNameIsRefusedAndNotWritten() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M).lockspace("ls", 1);
        byte[] before = LeaseFixture.readAll(fx.disks.get(0));
        LeaseException e = assertThrows(LeaseException.class, () -> fx.client("other", 1));
        assertMentions(e.getMessage(), fx.disks.get(0).toString(), "offset 0", "belongs to lockspace 'ls'",
                "expected 'other'");
        assertArrayEquals(before, LeaseFixture.readAll(fx.disks.get(0)), "a refused join wrote on the disk");
    }

    @Test
    void aForeignLockspaceOnOneOfThreeDisksStopsTheJoinBeforeAnyWrite() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M);
        fx.disks.addAll(fx.format("ls", 2, "disk"));
        Path foreign = fx.format("theirs", 1, "foreign").get(0);
        fx.disks.add(foreign);
        List<byte[]> before = fx.disks.stream().map(EmbeddedBadInputTest::bytes).toList();
        LeaseException e = assertThrows(LeaseException.class, () -> fx.client("ls", 1));
        assertMentions(e.getMessage(), foreign.toString(), "offset 0", "belongs to lockspace 'theirs'");
        for (int d = 0; d < 3; d++) {
            assertArrayEquals(before.get(d), bytes(fx.disks.get(d)), "disk " + d + " was written");
        }
    }

    @Test
    void aResourceOfAnotherLockspaceAndAnUnknownResourceAreNamed() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M).lockspace("ls", 1);
        EmbeddedLeaseClient a = fx.client("ls", 1);
        LeaseException wrongSpace = assertThrows(LeaseException.class,
                () -> a.tryAcquire(ResourceId.parse("other/db"), Duration.ofSeconds(1), LeaseOptions.EXCLUSIVE));
        assertMentions(wrongSpace.getMessage(), "other/db", "not in lockspace 'ls'");
        LeaseException unknown = assertThrows(LeaseException.class,
                () -> a.tryAcquire(ResourceId.parse("ls/nope"), Duration.ofSeconds(1), LeaseOptions.EXCLUSIVE));
        assertMentions(unknown.getMessage(), "unknown resource 'nope'", "dplock init resource ls/nope");
    }

    @Test
    void aSectorSizeOtherThanTheFormatsIsRefusedNamingBoth() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M).lockspace("ls", 1);
        byte[] before = LeaseFixture.readAll(fx.disks.get(0));
        LeaseException e = assertThrows(LeaseException.class,
                () -> fx.open(fx.config("ls", 1).withGeometry(AreaGeometry.SECTOR_4K_ALIGN_1M)));
        assertMentions(e.getMessage(), fx.disks.get(0).toString(), "offset 0", "512-byte sectors", "configured 4096");
        assertArrayEquals(before, LeaseFixture.readAll(fx.disks.get(0)));
    }

    @Test
    void a4096ByteLockspaceOpenedAs512IsRefused() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_4K_ALIGN_1M).lockspace("ls", 1);
        byte[] before = LeaseFixture.readAll(fx.disks.get(0));
        LeaseException e = assertThrows(LeaseException.class,
                () -> fx.open(fx.config("ls", 1).withGeometry(AreaGeometry.SECTOR_512_ALIGN_1M)));
        assertMentions(e.getMessage(), fx.disks.get(0).toString(), "4096-byte sectors", "configured 512");
        assertArrayEquals(before, LeaseFixture.readAll(fx.disks.get(0)));
    }

    @Test
    void aHostIdBeyondTheLockspacesHostCountIsRefused() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_4K_ALIGN_1M).lockspace("ls", 1);
        byte[] before = LeaseFixture.readAll(fx.disks.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fx.client("ls", 251));
        assertMentions(e.getMessage(), "host id must be 1..250", "251");
        assertArrayEquals(before, LeaseFixture.readAll(fx.disks.get(0)));
    }

    @Test
    void aHostIdBeyondAResourcesNumHostsIsRefusedWithoutWritingOrGranting() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M).lockspace("ls", 1);
        EmbeddedLeaseClient low = fx.client("ls", 2);
        low.createResource("small", 4);
        EmbeddedLeaseClient high = fx.client("ls", 5);
        ResourceId small = ResourceId.parse("ls/small");
        long area = fx.resourceOffset(0);
        byte[] before = LeaseFixture.read(fx.disks.get(0), area, 1 << 20);
        LeaseException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(LeaseException.class,
                () -> high.tryAcquire(small, Duration.ofSeconds(2), LeaseOptions.EXCLUSIVE)));
        assertMentions(e.getMessage(), "ls/small", "host id 5", "num_hosts 4", "use a host id 1..4");
        assertArrayEquals(before, LeaseFixture.read(fx.disks.get(0), area, 1 << 20), "the refused acquire wrote");
        // The hosts it was formatted for still get it.
        try (Lease lease = low.tryAcquire(small, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE).orElseThrow()) {
            assertEquals(1, lease.fence());
        }
    }

    @Test
    void aDiskCutShortIsAnErrorNamingItNotAHang() throws Exception {
        fx = new LeaseFixture(AreaGeometry.SECTOR_512_ALIGN_1M).lockspace("ls", 1);
        EmbeddedLeaseClient a = fx.client("ls", 1);
        a.createResource("first");
        a.createResource("second");
        // Someone shrank the disk: the second resource's area is gone.
        try (var ch = java.nio.channels.FileChannel.open(fx.disks.get(0), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(fx.resourceOffset(1));
        }
        StorageUnavailableException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(
                StorageUnavailableException.class, () -> a.tryAcquire(ResourceId.parse("ls/second"),
                        Duration.ofMillis(500), LeaseOptions.EXCLUSIVE)));
        assertMentions(e.getMessage(), fx.disks.get(0).toString(), "offset " + fx.resourceOffset(1));
        Optional<Lease> first = a.tryAcquire(ResourceId.parse("ls/first"), Duration.ofSeconds(5),
                LeaseOptions.EXCLUSIVE);
        assertTrue(first.isPresent(), "the resources that are still there stop working");
        first.get().close();
    }

    private static byte[] bytes(Path p) {
        try {
            return LeaseFixture.readAll(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
