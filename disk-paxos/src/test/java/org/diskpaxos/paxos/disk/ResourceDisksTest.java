package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.diskpaxos.blockdev.Backend;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.TargetTempDir;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.ResourceFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring on real files: a formatted area opens on one to five disks with the direct or mapped backend
 * and decides through them; bad locations are refused before any I/O with the disk and offset named; closing stops
 * the loop and closes every device; and formatting refuses to overwrite another lease on any disk unless forced,
 * writing nothing anywhere when it refuses.
 */
class ResourceDisksTest {
    private static final AreaGeometry G = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final DiskPaxosResource.Options OPTIONS = new DiskPaxosResource.Options(1_000_000_000L,
            2_000_000_000L, 1_000_000L, true);

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void aFormattedAreaOnFiveDisksDecidesThroughTheDirectBackend() throws Exception {
        List<ResourceDisks.Location> locations = RealDisks.at(RealDisks.files(dir, "five", 5, 2L << 20), 1L << 20);
        ResourceAreaFormatter.format(locations, "LS", "RES", G, 4, false);
        try (ResourceDisks disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(G, "five"))) {
            assertEquals(5, disks.disks().size());
            assertTrue(disks.disks().stream().noneMatch(DiskPaxosResource.Disk::syncAfterWrite), "O_DSYNC: no sync");
            DiskPaxosResource r = disks.resource("LS", "RES", 4, OPTIONS, RandomSource.seeded(1));
            var d = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                    RealDisks.acquire(disks, r, new Inp(4, 2, 9), 2, 9));
            assertEquals(1, d.lver());
        }
        // The acquire answers once a majority holds the leader; a write to the other disks still queued when the
        // devices closed is dropped (a clean-clone CI run under load saw disk 0 keep the formatted leader).
        int holding = 0;
        for (ResourceDisks.Location l : locations) {
            LeaderRecord leader = RealDisks.leader(l, G);
            List<Long> fields = List.of(leader.lver(), leader.ownerId(), leader.ownerGeneration(), leader.timestamp());
            if (fields.equals(List.of(1L, 4L, 2L, 9L))) {
                holding++;
            } else {
                assertEquals(0, leader.lver(), l + ": the formatted leader or the decided one, nothing else");
            }
        }
        assertTrue(holding >= 3, holding + " of 5 disks hold the decided leader");
    }

    @Test
    void theMappedBackendSyncsAfterEveryWrite() throws Exception {
        List<ResourceDisks.Location> locations = RealDisks.at(RealDisks.files(dir, "mapped", 1, 1L << 20), 0);
        ResourceAreaFormatter.format(locations, Backend.MAPPED, "LS", "RES", G, 4, false);
        ResourceDisks.Settings settings = ResourceDisks.Settings.direct(G, "mapped").withBackend(Backend.MAPPED);
        try (ResourceDisks disks = ResourceDisks.open(locations, settings)) {
            assertTrue(disks.disks().get(0).syncAfterWrite());
            DiskPaxosResource r = disks.resource("LS", "RES", 1, OPTIONS, RandomSource.seeded(1));
            assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                    RealDisks.acquire(disks, r, new Inp(1, 1, 1), 1, 1));
        }
        assertEquals(1, RealDisks.leader(locations.get(0), G).lver());
    }

    @Test
    void badLocationsAreRefusedNamingDiskAndOffset() throws IOException {
        Path file = RealDisks.files(dir, "small", 1, 1L << 20).get(0);
        ResourceDisks.Settings s = ResourceDisks.Settings.direct(G, "bad");
        var misaligned = assertThrows(IllegalArgumentException.class,
                () -> ResourceDisks.open(List.of(new ResourceDisks.Location(file, 100)), s));
        assertTrue(misaligned.getMessage().startsWith("disk " + file + " offset 100: not a multiple"),
                misaligned.getMessage());
        var tooSmall = assertThrows(IllegalArgumentException.class,
                () -> ResourceDisks.open(List.of(new ResourceDisks.Location(file, 512)), s));
        assertTrue(tooSmall.getMessage().startsWith("disk " + file + " offset 512: the 512/1M (2000 hosts) area needs"),
                tooSmall.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> ResourceDisks.open(
                List.of(new ResourceDisks.Location(file, 0), new ResourceDisks.Location(file, 0)), s));
        assertTrue(twice.getMessage().contains("given twice"), twice.getMessage());
        var missing = assertThrows(IOException.class,
                () -> ResourceDisks.open(List.of(new ResourceDisks.Location(dir.resolve("nope"), 0)), s));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        List<ResourceDisks.Location> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(new ResourceDisks.Location(file, (long) i << 20));
        }
        var tooMany = assertThrows(IllegalArgumentException.class, () -> ResourceDisks.open(six, s));
        assertTrue(tooMany.getMessage().contains("1 to 5 disks, got 6"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ResourceDisks.open(List.of(), s));
        assertThrows(IllegalArgumentException.class, () -> s.withWorkersPerDisk(ResourceDisks.WORKERS_PER_DISK_MAX + 1));
    }

    @Test
    void closingStopsTheLoopAndClosesEveryDevice() throws Exception {
        List<ResourceDisks.Location> locations = RealDisks.at(RealDisks.files(dir, "close", 3, 1L << 20), 0);
        List<BlockDevice> opened = new ArrayList<>();
        ResourceDisks disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(G, "close"), (i, d) -> {
            opened.add(d);
            return d;
        });
        assertEquals(3, opened.size());
        disks.close();
        disks.close();
        assertThrows(RejectedExecutionException.class, () -> disks.loop().execute(() -> { }));
        for (BlockDevice d : opened) {
            assertThrows(IOException.class, () -> d.read(0, d.allocateBuffer(512)), d.name() + " still open");
        }
        assertThrows(IllegalArgumentException.class, () -> disks.call(cb -> cb.done(1), Duration.ZERO));
    }

    @Test
    void formattingRefusesAnotherLeaseOnAnyDiskAndWritesNothing() throws IOException {
        List<Path> files = RealDisks.files(dir, "fmt", 3, 2L << 20);
        List<ResourceDisks.Location> locations = RealDisks.at(files, 1L << 20);
        byte[] foreign = AreaInit.resource("LS", "SOMEONE-ELSE", G);
        writeAt(files.get(2), 1L << 20, foreign);
        byte[][] before = new byte[3][];
        for (int i = 0; i < 3; i++) {
            before[i] = Files.readAllBytes(files.get(i));
        }
        var refused = assertThrows(IOException.class,
                () -> ResourceAreaFormatter.format(locations, "LS", "RES", G, 8, false));
        assertTrue(refused.getMessage().startsWith("disk " + files.get(2) + " offset 1048576: holds the lease of "
                + "resource 'LS:SOMEONE-ELSE'"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("nothing was written to any disk"), refused.getMessage());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(before[i], Files.readAllBytes(files.get(i)), "disk " + i + " untouched");
        }
        var misaligned = assertThrows(IllegalArgumentException.class, () -> ResourceAreaFormatter.format(
                RealDisks.at(files, 512), "LS", "RES", G, 8, false));
        assertTrue(misaligned.getMessage().contains("must start at a multiple of 1048576"), misaligned.getMessage());

        List<String> report = ResourceAreaFormatter.format(locations, "LS", "RES", G, 8, true);
        assertTrue(report.get(2).contains("forced over") && report.get(0).endsWith("formatted"), report.toString());
        byte[] image = ResourceFormat.image("LS", "RES", G, 8);
        for (int i = 0; i < 3; i++) {
            byte[] all = Files.readAllBytes(files.get(i));
            assertArrayEquals(image, java.util.Arrays.copyOfRange(all, 1 << 20, 2 << 20), "disk " + i);
            assertArrayEquals(java.util.Arrays.copyOfRange(before[i], 0, 1 << 20),
                    java.util.Arrays.copyOfRange(all, 0, 1 << 20), "disk " + i + ": bytes before the area untouched");
        }
        assertEquals(DblockStamp.Check.MATCHES, DblockStamp.check(ByteBuffer.wrap(image), G.resourceDblockOffsetBytes(8),
                8, DblockStamp.areaId("LS", "RES")));
        // Formatting the same resource again is allowed without force.
        assertEquals(3, ResourceAreaFormatter.format(locations, "LS", "RES", G, 8, false).size());
    }

    private static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b, offset + b.position());
            }
            ch.force(true);
        }
    }
}
