package org.diskpaxos.lock.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.DeltaLease;
import org.diskpaxos.paxos.ondisk.DeltaLeaseDescriptor;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dplock dump}'s reader on a real lockspace that members use: it names the hosts, their generations and
 * liveness (watched: alive vs. silent), every resource with its fencing token and owner (judged against the owner's
 * host slot), and it never writes.
 */
class DiskDumpTest {

    private TestDisks disks;

    @BeforeEach
    void setUp() throws Exception {
        disks = new TestDisks("dumpls");
    }

    @AfterEach
    void tearDown() throws Exception {
        disks.close();
    }

    @Test
    void aLockspaceInUseIsDescribedWithOwnersAndFences() throws Exception {
        EmbeddedLeaseClient a = disks.member("dumpls", 1);
        EmbeddedLeaseClient b = disks.member("dumpls", 2);
        a.createResource("db");
        a.createResource("web");
        Lease web = b.acquire(ResourceId.parse("dumpls/web"), LeaseOptions.EXCLUSIVE);
        web.release();
        Lease db = a.acquire(ResourceId.parse("dumpls/db"), LeaseOptions.EXCLUSIVE);

        DiskDump.Result r = DiskDump.read(disks.files.get(1), 0, Duration.ZERO);
        DiskDump.LockspaceView ls = r.lockspace();
        assertNotNull(ls, r.toString());
        assertEquals("dumpls", ls.name());
        assertEquals(2, ls.hosts().size(), ls.hosts().toString());
        assertEquals(1998, ls.slotsNeverUsed());
        DiskDump.HostSlot h1 = ls.hosts().get(0);
        assertEquals(1, h1.hostId());
        assertEquals(1, h1.generation());
        assertTrue(h1.name().endsWith(":dump1"), h1.name());
        assertEquals(DiskDump.Liveness.NOT_WATCHED, h1.liveness());
        assertEquals(512, ls.hosts().get(1).offsetBytes(), "host 2's slot is the second sector");

        assertEquals(2, ls.index().entriesUsed());
        assertEquals(2, ls.resources().size());
        DiskDump.ResourceView dbView = ls.resources().stream().filter(v -> v.name().equals("db")).findFirst()
                .orElseThrow();
        assertEquals(db.fence(), dbView.lver(), "the dump's fence is the holder's fencing token");
        assertTrue(!dbView.free() && dbView.ownerId() == 1 && dbView.ownerGeneration() == 1, dbView.toString());
        assertTrue(dbView.ownerState().contains("host 1 is a member"), dbView.ownerState());
        DiskDump.ResourceView webView = ls.resources().stream().filter(v -> v.name().equals("web")).findFirst()
                .orElseThrow();
        assertTrue(webView.free(), webView.toString());
        assertTrue(webView.ownerState().startsWith("free (last held by host 2"), webView.ownerState());
        assertTrue(webView.dblocks().stream().anyMatch(d -> d.hostId() == 2 && d.inp() == 2), webView.dblocks()
                .toString());
        db.release();
    }

    @Test
    void watchingTellsALiveHostFromASilentOne() throws Exception {
        disks.member("dumpls", 1);
        // Host 7's slot as a host leaves it when it dies: held, with a timestamp nobody will change again.
        writeDeltaLease(disks.files.get(0), 7, 123_456L);
        DiskDump.Result r = DiskDump.read(disks.files.get(0), 0, Duration.ofMillis(3200));
        Map<Integer, DiskDump.HostSlot> byHost = new java.util.HashMap<>();
        for (DiskDump.HostSlot s : r.lockspace().hosts()) {
            byHost.put(s.hostId(), s);
        }
        assertEquals(DiskDump.Liveness.ALIVE, byHost.get(1).liveness(), byHost.get(1).toString());
        assertEquals(DiskDump.Liveness.NOT_RENEWING, byHost.get(7).liveness(), byHost.get(7).toString());
        assertTrue(r.lockspace().watched().toMillis() >= 3200);
    }

    @Test
    void aShortWatchDoesNotJudgeASilentHost() throws Exception {
        writeDeltaLease(disks.files.get(0), 9, 42L);
        DiskDump.Result r = DiskDump.read(disks.files.get(0), 0, Duration.ofMillis(300));
        DiskDump.HostSlot s = r.lockspace().hosts().get(0);
        assertEquals(9, s.hostId());
        assertEquals(DiskDump.Liveness.UNCHANGED, s.liveness(), s.toString());
    }

    @Test
    void dumpNeverWrites() throws Exception {
        EmbeddedLeaseClient a = disks.member("dumpls", 3);
        a.createResource("r");
        a.close();
        byte[][] before = new byte[3][];
        for (int d = 0; d < 3; d++) {
            before[d] = sha256(disks.files.get(d));
        }
        long modified = Files.getLastModifiedTime(disks.files.get(0)).toMillis();
        for (int d = 0; d < 3; d++) {
            DiskDump.read(disks.files.get(d), 0, Duration.ofMillis(200));
            DiskDump.read(disks.files.get(d), 3L * 1024 * 1024, Duration.ZERO);
        }
        for (int d = 0; d < 3; d++) {
            assertArrayEquals(before[d], sha256(disks.files.get(d)), "disk " + d + " changed");
        }
        assertEquals(modified, Files.getLastModifiedTime(disks.files.get(0)).toMillis());
    }

    @Test
    void singleAreasAndBlankOnesAreRecognised() throws Exception {
        disks.member("dumpls", 1).createResource("only");
        // createResource returns once a majority of disks has each write; the third disk's may land just after.
        DiskDump.Result index = DiskDump.read(disks.files.get(2), 1024 * 1024, Duration.ZERO);
        for (int i = 0; i < 200 && index.index().entriesUsed() == 0; i++) {
            Thread.sleep(10);
            index = DiskDump.read(disks.files.get(2), 1024 * 1024, Duration.ZERO);
        }
        assertEquals(1, index.index().entriesUsed());
        DiskDump.Result resource = DiskDump.read(disks.files.get(2), 3L * 1024 * 1024, Duration.ZERO);
        assertEquals("only", resource.resource().name());
        assertEquals(0, resource.resource().lver());
        DiskDump.Result blank = DiskDump.read(disks.files.get(2), 5L * 1024 * 1024, Duration.ZERO);
        assertNull(blank.lockspace());
        assertTrue(blank.other().startsWith("blank"), blank.other());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DiskDump.read(disks.files.get(2), 1000, Duration.ZERO));
        assertTrue(e.getMessage().contains("offset 1000"), e.getMessage());
    }

    @Test
    void anOwnerIsJudgedByItsHostSlot() {
        LeaderRecord held = LeaderRecord.paxosInit("ls", "r", TestDisks.GEOMETRY, 2000).withLver(4)
                .withOwner(3, 2, 999);
        DiskDump.HostSlot member = slot(3, 2, DiskDump.Liveness.ALIVE);
        assertTrue(DiskDump.ownerState(held, Map.of(3, member)).contains("host 3 is a member (alive)"));
        assertTrue(DiskDump.ownerState(held, Map.of(3, slot(3, 3, DiskDump.Liveness.ALIVE)))
                .contains("rejoined as generation 3: the lease is stale"));
        assertTrue(DiskDump.ownerState(held, Map.of(3, slot(3, 2, DiskDump.Liveness.FREE)))
                .contains("has left the lockspace"));
        assertTrue(DiskDump.ownerState(held, Map.of(1, member)).contains("never used"));
        assertTrue(DiskDump.ownerState(held.withTimestamp(0), Map.of()).startsWith("free (last held by host 3"));
    }

    private static DiskDump.HostSlot slot(int host, long generation, DiskDump.Liveness liveness) {
        return new DiskDump.HostSlot(host, 0, "VALID", "x", generation, 1, 1, liveness, "");
    }

    /** Writes host {@code hostId}'s delta lease as held, generation 1, with {@code timestamp}. */
    private static void writeDeltaLease(Path file, int hostId, long timestamp) throws Exception {
        try (BlockDevice dev = BlockDevices.open(file, BlockDeviceOptions.direct().withSectorSize(512))) {
            int at = TestDisks.GEOMETRY.lockspaceHostOffsetBytes(hostId);
            ByteBuffer b = dev.allocateBuffer(512);
            dev.read(at, b);
            LeaderRecord slot = LeaderRecordDescriptor.decode(b, 0).value();
            DeltaLease lease = DeltaLease.acquired(slot, hostId, "0000000000000dea:00000000000000b0:gone", timestamp, 1);
            ByteBuffer out = dev.allocateBuffer(512);
            out.put(0, DeltaLeaseDescriptor.encodeSector(lease, 512));
            dev.write(at, out);
        }
    }

    private static byte[] sha256(Path f) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
    }

    @Test
    void jsonWriterNestsAndRefusesMisuse() {
        String json = new JsonWriter().beginObject().field("a", 1).beginArray("b").element("x\"y").beginObject()
                .field("c", true).endObject().endArray().beginObject("d").field("e", (String) null).endObject()
                .endObject().toString();
        assertEquals("{\"a\":1,\"b\":[\"x\\\"y\",{\"c\":true}],\"d\":{\"e\":null}}", json);
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().toString());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().element("x"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endArray());
    }
}
