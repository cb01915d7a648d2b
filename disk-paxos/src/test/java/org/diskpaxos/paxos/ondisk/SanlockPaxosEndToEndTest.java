package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.disk.ResourceAreaFormatter;
import org.diskpaxos.paxos.disk.ResourceDisks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our production Disk Paxos ({@link DiskPaxosResource} through {@link ResourceDisks}, O_DIRECT files under
 * {@code target/}) and the real sanlock 3.8.5 take turns on one resource area: on an area sanlock initialised (512/1M
 * and 4K/8M) our acquire is what {@code sanlock direct read_leader} and {@code dump -f 2} show — owner, generation,
 * lver, timestamp, writer, and our dblock's mbal/bal/inp/inp2/inp3/lver/checksum; sanlock's own ballot
 * ({@code direct acquire}) then reads our leader and dblocks and decides the next lver; we read its leader and
 * continue from its lver, and sanlock continues from ours again. An area formatted by us reads back in sanlock as its
 * own; once sanlock has written a dblock in it, requiring stamps fails with the disk and offset named, and not
 * requiring them works.
 */
class SanlockPaxosEndToEndTest {
    private static final String LS = "E2ELS";
    private static final String RES = "E2ERES";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Generous I/O timeouts: the test is about formats and turns, not speed. */
    private static final DiskPaxosResource.Options SANLOCK_AREA = new DiskPaxosResource.Options(5_000_000_000L,
            10_000_000_000L, 1_000_000L, false);
    private static final DiskPaxosResource.Options STAMPED_AREA = new DiskPaxosResource.Options(5_000_000_000L,
            10_000_000_000L, 1_000_000L, true);
    private static final Pattern DBLOCK_LINE = Pattern.compile(
            "dblock\\[(\\d+)\\] mbal (\\d+) bal (\\d+) inp (\\d+) inp2 (\\d+) inp3 (\\d+) lver (\\d+) sum ([0-9a-f]+)");

    private static SanlockTool sanlock;
    private static Path scratchDir;

    @BeforeAll
    static void findSanlock() throws IOException {
        sanlock = SanlockTool.requireInstalled();
        scratchDir = Path.of("target", "sanlock-e2e").toAbsolutePath();
        Files.createDirectories(scratchDir);
    }

    static Stream<AreaGeometry> geometries() {
        return Stream.of(AreaGeometry.SECTOR_512_ALIGN_1M, AreaGeometry.SECTOR_4K_ALIGN_8M);
    }

    private static Path scratchFile(TestInfo test, AreaGeometry g) throws IOException {
        Path file = scratchDir.resolve(test.getTestMethod().orElseThrow().getName() + "-" + g.sectorSizeBytes()
                + ".img");
        Files.deleteIfExists(file);
        BlockDevices.open(file, BlockDeviceOptions.direct().withCreateSize(g.alignSizeBytes())).close();
        return file;
    }

    private static String resourceArg(Path file) {
        return LS + ":" + RES + ":" + file + ":0";
    }

    private static ResourceDisks open(Path file, AreaGeometry g) throws IOException {
        return ResourceDisks.open(List.of(new ResourceDisks.Location(file, 0)),
                ResourceDisks.Settings.direct(g, "e2e"));
    }

    private static DiskPaxosResource.Acquired.Decided acquire(Path file, AreaGeometry g, int hostId, Inp value,
            long writerGeneration, DiskPaxosResource.Options options) throws Exception {
        try (ResourceDisks disks = open(file, g)) {
            DiskPaxosResource r = disks.resource(LS, RES, hostId, options, RandomSource.seeded(hostId));
            DiskPaxosResource.Acquired a = disks.call(cb -> r.acquire(value, writerGeneration, value.inp3() + 1, cb),
                    WAIT);
            return assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, a, a.toString());
        }
    }

    /** sanlock's release: the leader of the same lver with timestamp 0, written by the releasing host. */
    private static void release(Path file, AreaGeometry g, LeaderRecord held, long writeTimestamp) throws Exception {
        try (ResourceDisks disks = open(file, g)) {
            DiskPaxosResource r = disks.resource(LS, RES, (int) held.ownerId(), SANLOCK_AREA, RandomSource.seeded(1));
            LeaderRecord free = held.withTimestamp(0).withWriter(held.ownerId(), held.ownerGeneration(), writeTimestamp);
            String failure = disks.<String>call(cb -> r.writeLeader(free, cb), WAIT);
            assertNull(failure);
        }
    }

    private static ByteBuffer area(Path file, AreaGeometry g) throws IOException {
        try (BlockDevice d = BlockDevices.open(file, BlockDeviceOptions.direct().withSectorSize(g.sectorSizeBytes())
                .withReadOnly(true))) {
            ByteBuffer b = d.allocateBuffer(g.alignSizeBytes());
            d.read(0, b);
            return b.clear();
        }
    }

    /** {@code sanlock direct read_leader}: every field it prints equals {@code expected}, the checksum what is stored. */
    private static Map<String, String> sanlockLeaderMatches(Path file, AreaGeometry g, LeaderRecord expected)
            throws IOException {
        Map<String, String> fields = sanlock.run("direct", "read_leader", "-r", resourceArg(file)).requireSuccess()
                .fields();
        ByteBuffer bytes = area(file, g);
        assertEquals(expected, LeaderRecordDescriptor.decode(bytes, 0).value(), "the leader on disk is the one we mean");
        SanlockOutput.assertLeaderMatches(fields, expected, LeaderRecordDescriptor.storedChecksum(bytes, 0));
        return fields;
    }

    /** The dblock of {@code hostId} as {@code sanlock direct dump -f 2} prints it, if it prints one. */
    private static Optional<List<Long>> sanlockDblock(Path file, long hostId) {
        String out = sanlock.run("direct", "dump", file.toString(), "-f", "2").requireSuccess().output();
        Matcher m = DBLOCK_LINE.matcher(out);
        while (m.find()) {
            if (Long.parseLong(m.group(1)) == hostId - 1) {
                return Optional.of(List.of(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                        Long.parseLong(m.group(7)), Long.parseLong(m.group(8), 16)));
            }
        }
        return Optional.empty();
    }

    /** Our decoding of {@code hostId}'s dblock, in the order sanlock prints it: mbal bal inp inp2 inp3 lver sum. */
    private static List<Long> ourDblock(Path file, AreaGeometry g, long hostId) throws IOException {
        ByteBuffer bytes = area(file, g);
        int at = g.resourceDblockOffsetBytes(hostId);
        Decoded<Dblock> d = DblockDescriptor.decode(bytes, at);
        assertEquals(Verdict.VALID, d.verdict(), d.reason());
        Dblock b = d.value();
        return List.of(b.mbal(), b.bal(), b.inp(), b.inp2(), b.inp3(), b.lver(),
                Integer.toUnsignedLong(LittleEndian.getInt(bytes, at + DblockDescriptor.CHECKSUM_OFFSET)));
    }

    /** sanlock.md §2.1 Step C: the first ballot of host {@code hostId} after reading {@code maxMbal}. */
    private static long sanlockBallot(long maxMbal, AreaGeometry g, long hostId) {
        return maxMbal - maxMbal % g.maxHosts() + g.maxHosts() + hostId;
    }

    private static LeaderRecord leaderOnDisk(Path file, AreaGeometry g) throws IOException {
        Decoded<LeaderRecord> d = LeaderRecordDescriptor.decode(area(file, g), 0);
        assertEquals(Verdict.VALID, d.verdict(), d.reason());
        return d.value();
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void sanlockAndWeTakeTurnsOnAnAreaSanlockInitialised(AreaGeometry g, TestInfo test) throws Exception {
        Path file = scratchFile(test, g);
        sanlock.run("direct", "init", "-r", resourceArg(file), "-Z", Integer.toString(g.sectorSizeBytes()), "-A",
                (g.alignSizeBytes() / AreaGeometry.MIB) + "M").requireSuccess();

        // 1. We acquire lver 1 as host 5, generation 3.
        Inp ours = new Inp(5, 3, 4001);
        var first = acquire(file, g, 5, ours, 3, SANLOCK_AREA);
        assertEquals(1, first.lver());
        assertEquals(ours, first.owner());
        Map<String, String> fields = sanlockLeaderMatches(file, g, first.leader());
        assertEquals(List.of("5", "3", "1", "4001", "5", "3", "4002"), Stream.of("owner_id", "owner_generation",
                "lver", "timestamp", "write_id", "write_generation", "write_timestamp").map(fields::get).toList());
        long ourMbal = Rank.ofHost(1, 5).toBallot(g.maxHosts());
        List<Long> ourBlock = ourDblock(file, g, 5);
        assertEquals(List.of(ourMbal, ourMbal, 5L, 3L, 4001L, 1L), ourBlock.subList(0, 6));
        assertEquals(Optional.of(ourBlock), sanlockDblock(file, 5), "sanlock dump shows our dblock");

        // 2. We release; sanlock's ballot, as host 7, reads our leader and blocks and decides lver 2.
        release(file, g, first.leader(), 4010);
        assertEquals(0, leaderOnDisk(file, g).timestamp());
        SanlockTool.Result acquire = sanlock.run("direct", "acquire", "-r", resourceArg(file), "-i", "7", "-g", "2");
        assertEquals(0, acquire.doneCode().orElseThrow(), acquire.output());
        LeaderRecord sanlocks = leaderOnDisk(file, g);
        assertEquals(List.of(2L, 7L, 2L, 7L), List.of(sanlocks.lver(), sanlocks.ownerId(), sanlocks.ownerGeneration(),
                sanlocks.writeId()));
        List<Long> host7 = sanlockDblock(file, 7).orElseThrow();
        assertEquals(List.of(7L, 2L, 2L), List.of(host7.get(2), host7.get(3), host7.get(5)), "inp, inp2, lver");
        assertEquals(sanlocks.timestamp(), host7.get(4), "the leader's timestamp is the winning inp3");
        assertEquals(sanlockBallot(ourMbal, g, 7), host7.get(0), "sanlock numbered its ballot above our mbal");

        // 3. We read sanlock's leader and continue from its lver.
        try (ResourceDisks disks = open(file, g)) {
            DiskPaxosResource r = disks.resource(LS, RES, 5, SANLOCK_AREA, RandomSource.seeded(5));
            var read = assertInstanceOf(DiskPaxosResource.LeaderRead.Leader.class, disks.call(r::readLeader, WAIT));
            assertEquals(sanlocks, read.leader());
        }
        var third = acquire(file, g, 5, new Inp(5, 4, 4020), 4, SANLOCK_AREA);
        assertEquals(3, third.lver());
        sanlockLeaderMatches(file, g, third.leader());
        assertEquals(List.of(ourMbal, ourMbal, 5L, 4L, 4020L, 3L), sanlockDblock(file, 5).orElseThrow().subList(0, 6));
        assertEquals(host7, sanlockDblock(file, 7).orElseThrow(), "sanlock's block of lver 2 is left alone");

        // 4. sanlock as host 5 with a newer generation (its rule for a restarted owner) continues from our lver,
        //    with a ballot above the mbals it read, ours included.
        acquire = sanlock.run("direct", "acquire", "-r", resourceArg(file), "-i", "5", "-g", "5");
        assertEquals(0, acquire.doneCode().orElseThrow(), acquire.output());
        LeaderRecord fourth = leaderOnDisk(file, g);
        assertEquals(List.of(4L, 5L, 5L), List.of(fourth.lver(), fourth.ownerId(), fourth.ownerGeneration()));
        List<Long> sanlockHost5 = sanlockDblock(file, 5).orElseThrow();
        assertEquals(sanlockBallot(Math.max(ourMbal, host7.get(0)), g, 5), sanlockHost5.get(0),
                "sanlock numbered its ballot above every mbal it read");
        assertEquals(4L, sanlockHost5.get(5));

        // 5. And we continue from sanlock's again, recovering over the block sanlock wrote in our host's sector.
        var fifth = acquire(file, g, 5, new Inp(5, 6, 4030), 6, SANLOCK_AREA);
        assertEquals(5, fifth.lver());
        sanlockLeaderMatches(file, g, fifth.leader());
        assertEquals(List.of(5L, 6L, 4030L, 5L), sanlockDblock(file, 5).orElseThrow().subList(2, 6));
    }

    @Test
    void anAreaWeFormatReadsBackInSanlockAndWorksWithIt(TestInfo test) throws Exception {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, g);
        ResourceAreaFormatter.format(List.of(new ResourceDisks.Location(file, 0)), LS, RES, g, 16, false);
        sanlockLeaderMatches(file, g, LeaderRecord.paxosInit(LS, RES, g, 16));
        String dump = sanlock.run("direct", "dump", file.toString(), "-f", "2").requireSuccess().output();
        assertFalse(dump.contains("dblock["), "stamped blank dblocks are blank to sanlock:\n" + dump);

        var first = acquire(file, g, 3, new Inp(3, 1, 5001), 1, STAMPED_AREA);
        assertEquals(1, first.lver());
        sanlockLeaderMatches(file, g, first.leader());
        assertEquals(ourDblock(file, g, 3), sanlockDblock(file, 3).orElseThrow());

        release(file, g, first.leader(), 5002);
        SanlockTool.Result acquire = sanlock.run("direct", "acquire", "-r", resourceArg(file), "-i", "7", "-g", "1");
        assertEquals(0, acquire.doneCode().orElseThrow(), acquire.output());
        assertEquals(2, leaderOnDisk(file, g).lver());

        // sanlock writes its dblock without our stamp: an area that requires stamps now fails, naming the block.
        try (ResourceDisks disks = open(file, g)) {
            DiskPaxosResource r = disks.resource(LS, RES, 3, STAMPED_AREA, RandomSource.seeded(3));
            DiskPaxosResource.Acquired a = disks.call(cb -> r.acquire(new Inp(3, 2, 5010), 2, 5011, cb), WAIT);
            var failed = assertInstanceOf(DiskPaxosResource.Acquired.Failed.class, a);
            assertTrue(failed.reason().contains("disk " + file + " offset " + g.resourceDblockOffsetBytes(7)
                    + " (host 7's dblock): the block has no identification stamp"), failed.reason());
        }
        assertEquals(2, leaderOnDisk(file, g).lver(), "nothing was decided");
        var third = acquire(file, g, 3, new Inp(3, 2, 5020), 2, SANLOCK_AREA);
        assertEquals(3, third.lver());
        sanlockLeaderMatches(file, g, third.leader());
    }
}
