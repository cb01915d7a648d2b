package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Proves byte-for-byte compatibility with the real sanlock 3.8.5, both ways, on scratch files under {@code target/}
 * (not tmpfs: sanlock uses O_DIRECT): areas sanlock initialises equal ours byte for byte and validate in our code for
 * all five geometries; records we write (fresh areas, a held resource leader with a request record, a held delta lease
 * with a bitmap) read back field for field with {@code sanlock direct read_leader} and {@code dump}; sanlock's ballot
 * adopts a dblock we wrote and rejects one we corrupted; sanlock's {@code acquire_id} on a slot we wrote bumps our
 * generation and we decode its owner. Runs in a few seconds ({@code acquire_id} waits 2 × io_timeout, so io_timeout
 * is 1 s). Fails in CI if sanlock is missing ({@code .ci/run} installs it).
 */
class SanlockCompatibilityTest {
    private static final String LS = "COMPATLS";
    /**
     * A resource name with two- and three-byte UTF-8 characters, passed to sanlock on its command line; only when the
     * JVM encodes arguments as UTF-8 (a C/POSIX locale would turn them into '?').
     */
    private static final String UTF8_NAME = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))
            ? "RES-ÿ€" : "RES-ASCII";
    private static SanlockTool sanlock;
    private static Path scratchDir;

    @BeforeAll
    static void findSanlock() throws IOException {
        sanlock = SanlockTool.requireInstalled();
        scratchDir = Path.of("target", "sanlock-compat").toAbsolutePath();
        Files.createDirectories(scratchDir);
    }

    private static Path scratchFile(TestInfo test, String suffix, long sizeBytes) throws IOException {
        Path file = scratchDir.resolve(test.getTestMethod().orElseThrow().getName() + suffix + ".img");
        Files.deleteIfExists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.truncate(sizeBytes);
            channel.write(ByteBuffer.allocate(1), sizeBytes - 1);
        }
        return file;
    }

    private static void write(Path file, long offsetBytes, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offsetBytes + buffer.position());
            }
            channel.force(true);
        }
    }

    private static byte[] read(Path file, long offsetBytes, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offsetBytes + buffer.position()) < 0) {
                    break;
                }
            }
            return buffer.array();
        }
    }

    private static String[] sizeOptions(AreaGeometry g) {
        return new String[] {"-Z", Integer.toString(g.sectorSizeBytes()), "-A", (g.alignSizeBytes() / AreaGeometry.MIB) + "M"};
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Tokens of the dump line that starts with the zero-padded offset. */
    private static List<String> dumpLine(SanlockTool.Result dump, long offsetBytes) {
        String prefix = String.format("%08d ", offsetBytes);
        for (String line : dump.output().split("\n")) {
            if (line.startsWith(prefix)) {
                return Arrays.asList(line.trim().split("\\s+"));
            }
        }
        throw new AssertionError("no dump line at offset " + offsetBytes + " in:\n" + dump.output());
    }

    @Test
    void areasInitialisedBySanlockEqualOursAndValidate(TestInfo test) throws IOException {
        for (AreaGeometry g : AreaGeometry.ALL) {
            Path file = scratchFile(test, "-" + g.sectorSizeBytes() + "-" + g.alignSizeBytes(), 2L * g.alignSizeBytes());
            String path = file.toString();
            sanlock.run(concat(new String[] {"direct", "init", "-s", LS + ":0:" + path + ":0", "-o", "10"},
                    sizeOptions(g))).requireSuccess();
            sanlock.run(concat(new String[] {"direct", "init", "-r", LS + ":RES:" + path + ":" + g.alignSizeBytes()},
                    sizeOptions(g))).requireSuccess();

            byte[] lockspace = read(file, 0, g.alignSizeBytes());
            assertArrayEquals(AreaInit.lockspace(LS, g, 10).finalArea(), lockspace, "lockspace " + g.describe());
            byte[] resource = read(file, g.alignSizeBytes(), g.alignSizeBytes());
            assertArrayEquals(AreaInit.resource(LS, "RES", g), resource, "resource " + g.describe());

            AreaCheck ls = AreaValidator.checkLockspace(ByteBuffer.wrap(lockspace), AreaExpectation.lockspace(LS, g),
                    path, 0);
            assertEquals(Verdict.VALID, ls.verdict(), ls.message());
            AreaCheck res = AreaValidator.checkResource(ByteBuffer.wrap(resource),
                    AreaExpectation.resource(LS, "RES", g), path, g.alignSizeBytes());
            assertEquals(Verdict.VALID, res.verdict(), res.message());
            for (int hostId = 1; hostId <= g.maxHosts(); hostId++) {
                Decoded<DeltaLease> slot = DeltaLeaseDescriptor.decode(ByteBuffer.wrap(lockspace),
                        g.lockspaceHostOffsetBytes(hostId));
                assertEquals(Verdict.VALID, slot.verdict(), "host " + hostId + " " + g.describe());
                assertTrue(slot.value().isFree());
            }
            Files.delete(file);
        }
    }

    @Test
    void clearedResourceFromSanlockIsReportedCleared(TestInfo test) throws IOException {
        Path file = scratchFile(test, "", AreaGeometry.MIB);
        sanlock.run("direct", "init", "-r", LS + ":RES:" + file + ":0", "-z", "1").requireSuccess();
        byte[] area = read(file, 0, AreaGeometry.MIB);
        AreaCheck check = AreaValidator.checkResource(ByteBuffer.wrap(area),
                AreaExpectation.resource(LS, "RES", AreaGeometry.SECTOR_512_ALIGN_1M), file.toString(), 0);
        assertEquals(Verdict.CLEARED, check.verdict(), check.message());
        long stamp = check.leader().writeTimestamp();
        assertArrayEquals(AreaInit.clearedResource(LS, "RES", AreaGeometry.SECTOR_512_ALIGN_1M, 2000, stamp), area);
    }

    @Test
    void areasWeInitialiseReadBackInSanlock(TestInfo test) throws IOException {
        for (AreaGeometry g : AreaGeometry.ALL) {
            Path file = scratchFile(test, "-" + g.sectorSizeBytes() + "-" + g.alignSizeBytes(), 2L * g.alignSizeBytes());
            String path = file.toString();
            AreaInit.LockspaceImage image = AreaInit.lockspace(LS, g, 10);
            write(file, 0, image.uncommittedArea());
            write(file, 0, image.commitSector());
            write(file, g.alignSizeBytes(), AreaInit.resource(LS, UTF8_NAME, g, 17));

            for (long hostId : new long[] {1, g.maxHosts()}) {
                SanlockTool.Result result = sanlock.run("direct", "read_leader", "-s",
                        LS + ":" + hostId + ":" + path + ":0").requireSuccess();
                ByteBuffer bytes = ByteBuffer.wrap(read(file, g.lockspaceHostOffsetBytes(hostId), 512));
                SanlockOutput.assertLeaderMatches(result.fields(), LeaderRecordDescriptor.decode(bytes, 0).value(),
                        LeaderRecordDescriptor.storedChecksum(bytes, 0));
            }
            SanlockTool.Result result = sanlock.run("direct", "read_leader", "-r",
                    LS + ":" + UTF8_NAME + ":" + path + ":" + g.alignSizeBytes()).requireSuccess();
            ByteBuffer leader = ByteBuffer.wrap(read(file, g.alignSizeBytes(), 512));
            LeaderRecord ours = LeaderRecordDescriptor.decode(leader, 0).value();
            assertEquals(17, ours.numHosts());
            SanlockOutput.assertLeaderMatches(result.fields(), ours, LeaderRecordDescriptor.storedChecksum(leader, 0));
            Files.delete(file);
        }
    }

    @Test
    void heldResourceLeaderAndRequestWeWriteReadBackInSanlock(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, "", 2L * g.alignSizeBytes());
        String path = file.toString();
        write(file, 0, AreaInit.lockspace(LS, g, 10).finalArea());
        byte[] area = AreaInit.resource(LS, "HELD", g);
        LeaderRecord held = LeaderRecord.paxosInit(LS, "HELD", g, 2000).withLver(42).withOwner(7, 3, 12345)
                .withWriter(7, 3, 12346).withFlags(g.alignFlag() | LeaderRecordDescriptor.LFL_SHORT_HOLD);
        LeaderRecordDescriptor.encode(held, ByteBuffer.wrap(area), 0);
        RequestRecordDescriptor.encode(RequestRecord.request(43, 1), ByteBuffer.wrap(area), g.resourceRequestOffsetBytes());
        DblockDescriptor.encode(Dblock.phase2(2007, 42, 7, 3, 12345), ByteBuffer.wrap(area), g.resourceDblockOffsetBytes(7));
        ModeBlockDescriptor.encode(ModeBlock.shared(9), ByteBuffer.wrap(area), g.resourceModeBlockOffsetBytes(4));
        write(file, g.alignSizeBytes(), area);

        SanlockTool.Result result = sanlock.run("direct", "read_leader", "-r",
                LS + ":HELD:" + path + ":" + g.alignSizeBytes()).requireSuccess();
        SanlockOutput.assertLeaderMatches(result.fields(), held, LeaderRecordDescriptor.storedChecksum(ByteBuffer.wrap(area), 0));

        SanlockTool.Result dump = sanlock.run("direct", "dump", path, "-f", "1").requireSuccess();
        assertEquals(List.of(String.format("%08d", g.alignSizeBytes()), LS, "HELD", "0000012345", "0007", "0003",
                "42/43/1"), dumpLine(dump, g.alignSizeBytes()));
        assertTrue(dump.output().contains("0004 0009 SH"), "sanlock sees our shared mode block:\n" + dump.output());
    }

    @Test
    void heldDeltaLeaseWeWriteReadsBackInSanlock(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, "", g.alignSizeBytes());
        String path = file.toString();
        byte[] area = AreaInit.lockspace(LS, g, 10).finalArea();
        LeaderRecord free = LeaderRecord.deltaInit(LS, g, 10);
        DeltaLease held = new DeltaLease(free.withOwner(5, 4, 999).withResourceName("host-five.example")
                .withIoTimeoutSeconds(7).withWriter(11, 12, 13), HostIdBitmap.of(2, 9));
        DeltaLeaseDescriptor.encode(held, ByteBuffer.wrap(area), g.lockspaceHostOffsetBytes(5));
        write(file, 0, area);

        SanlockTool.Result result = sanlock.run("direct", "read_leader", "-s", LS + ":5:" + path + ":0")
                .requireSuccess();
        SanlockOutput.assertLeaderMatches(result.fields(), held.leader(),
                LeaderRecordDescriptor.storedChecksum(ByteBuffer.wrap(area), g.lockspaceHostOffsetBytes(5)));
        SanlockTool.Result dump = sanlock.run("direct", "dump", path, "-f", "1").requireSuccess();
        assertEquals(List.of(String.format("%08d", g.lockspaceHostOffsetBytes(5)), LS, "host-five.example",
                "0000000999", "0005", "0004", "2", "9"), dumpLine(dump, g.lockspaceHostOffsetBytes(5)));
    }

    @Test
    void sanlockBallotAdoptsTheDblockWeWrote(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, "", g.alignSizeBytes());
        byte[] area = AreaInit.resource(LS, "RES", g);
        // Host 2 got as far as phase 2 of instance 1 with its own input, then crashed before writing the leader.
        DblockDescriptor.encode(Dblock.phase2(2, 1, 2, 5, 777), ByteBuffer.wrap(area), g.resourceDblockOffsetBytes(2));
        write(file, 0, area);

        SanlockTool.Result acquire = sanlock.run("direct", "acquire", "-r", LS + ":RES:" + file + ":0", "-i", "1",
                "-g", "1");
        // SANLK_ACQUIRE_OTHER: the ballot committed another host's value, as Disk Paxos requires.
        assertEquals(-245, acquire.doneCode().orElseThrow(), acquire.output());

        ByteBuffer after = ByteBuffer.wrap(read(file, 0, g.alignSizeBytes()));
        Decoded<LeaderRecord> leader = LeaderRecordDescriptor.decode(after, 0);
        assertEquals(Verdict.VALID, leader.verdict(), leader.reason());
        assertEquals(List.of(2L, 5L, 777L, 1L), List.of(leader.value().ownerId(), leader.value().ownerGeneration(),
                leader.value().timestamp(), leader.value().lver()));
        assertEquals(1, leader.value().writeId(), "host 1 wrote the leader");
        Decoded<Dblock> host1 = DblockDescriptor.decode(after, g.resourceDblockOffsetBytes(1));
        assertEquals(Verdict.VALID, host1.verdict(), host1.reason());
        // mbal = (max_mbal - max_mbal % max_hosts) + max_hosts + host_id = 0 + 2000 + 1 (sanlock.md §2.1 Step C).
        assertEquals(Dblock.phase2(2001, 1, 2, 5, 777), host1.value());
    }

    @Test
    void dblockWithBadChecksumIsRejectedBySanlockAndByUs(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, "", g.alignSizeBytes());
        byte[] area = AreaInit.resource(LS, "RES", g);
        int offset = g.resourceDblockOffsetBytes(2);
        DblockDescriptor.encode(Dblock.phase2(2, 1, 2, 5, 777), ByteBuffer.wrap(area), offset);
        area[offset + DblockDescriptor.INP2_OFFSET] ^= 0x01;
        write(file, 0, area);
        assertEquals(Verdict.BAD_CHECKSUM, DblockDescriptor.decode(ByteBuffer.wrap(area), offset).verdict());

        SanlockTool.Result acquire = sanlock.run("direct", "acquire", "-r", LS + ":RES:" + file + ":0", "-i", "1",
                "-g", "1");
        assertEquals(-214, acquire.doneCode().orElseThrow(), "SANLK_DBLOCK_CHECKSUM:\n" + acquire.output());
        Decoded<LeaderRecord> leader = LeaderRecordDescriptor.decode(ByteBuffer.wrap(read(file, 0, 512)), 0);
        assertTrue(leader.value().isFree(), "sanlock did not take the lease");
    }

    @Test
    void sanlockAcquireOnOurResourceIsDecodedByUs(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_4K_ALIGN_1M;
        Path file = scratchFile(test, "", g.alignSizeBytes());
        write(file, 0, AreaInit.resource(LS, "RES4K", g));
        SanlockTool.Result acquire = sanlock.run("direct", "acquire", "-r", LS + ":RES4K:" + file + ":0", "-i", "3",
                "-g", "2").requireSuccess();
        assertEquals(0, acquire.doneCode().orElseThrow());
        ByteBuffer after = ByteBuffer.wrap(read(file, 0, g.alignSizeBytes()));
        AreaCheck check = AreaValidator.checkResource(after, AreaExpectation.resource(LS, "RES4K", g), file.toString(), 0);
        assertEquals(Verdict.VALID, check.verdict(), check.message());
        LeaderRecord leader = check.leader();
        assertEquals(List.of(3L, 2L, 1L), List.of(leader.ownerId(), leader.ownerGeneration(), leader.lver()));
        assertNotEquals(0, leader.timestamp());
        Dblock dblock = DblockDescriptor.decode(after, g.resourceDblockOffsetBytes(3)).value();
        assertEquals(Dblock.phase2(3, 1, 3, 2, leader.timestamp()), dblock);
        SanlockTool.Result readLeader = sanlock.run("direct", "read_leader", "-r", LS + ":RES4K:" + file + ":0")
                .requireSuccess();
        SanlockOutput.assertLeaderMatches(readLeader.fields(), leader, LeaderRecordDescriptor.storedChecksum(after, 0));
    }

    @Test
    void sanlockJoinOnASlotWeWroteBumpsOurGeneration(TestInfo test) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        Path file = scratchFile(test, "", g.alignSizeBytes());
        byte[] area = AreaInit.lockspace(LS, g, 1).finalArea();
        // Host 4 was held six times and released cleanly (timestamp 0), by a host named "previous-life".
        LeaderRecord released = LeaderRecord.deltaInit(LS, g, 1).withOwner(4, 6, 0).withResourceName("previous-life");
        DeltaLeaseDescriptor.encode(new DeltaLease(released, HostIdBitmap.EMPTY), ByteBuffer.wrap(area),
                g.lockspaceHostOffsetBytes(4));
        write(file, 0, area);

        // acquire_id sleeps 2 * io_timeout of the slot (1 s here) before re-reading.
        sanlock.run("direct", "acquire_id", "-s", LS + ":4:" + file + ":0", "-o", "1").requireSuccess();
        ByteBuffer after = ByteBuffer.wrap(read(file, 0, g.alignSizeBytes()));
        Decoded<DeltaLease> slot = DeltaLeaseDescriptor.decode(after, g.lockspaceHostOffsetBytes(4));
        assertEquals(Verdict.VALID, slot.verdict(), slot.reason());
        LeaderRecord leader = slot.value().leader();
        assertEquals(List.of(4L, 7L, 1), List.of(leader.ownerId(), leader.ownerGeneration(), leader.ioTimeoutSeconds()));
        assertTrue(leader.timestamp() > 0, "held");
        assertTrue(leader.resourceName().matches("[0-9a-f-]{36}\\..+"), leader.resourceName());
        AreaCheck check = AreaValidator.checkDeltaLease(after, 4, AreaExpectation.lockspace(LS, g), file.toString(), 0);
        assertEquals(Verdict.VALID, check.verdict(), check.message());
        List<String> rendered = new ArrayList<>(RecordRenderer.area(after, 0));
        assertTrue(rendered.stream().anyMatch(l -> l.startsWith("offset 1536 host 4 held by '" + leader.resourceName()
                + "' generation 7")), String.join("\n", rendered));
        Map<String, String> sanlockView = sanlock.run("direct", "read_leader", "-s", LS + ":4:" + file + ":0")
                .requireSuccess().fields();
        SanlockOutput.assertLeaderMatches(sanlockView, leader,
                LeaderRecordDescriptor.storedChecksum(after, g.lockspaceHostOffsetBytes(4)));
    }
}
