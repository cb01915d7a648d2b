package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Proves that bytes written by the real sanlock 3.8.5 (frozen by {@code golden/sanlock/capture.sh}) decode in our
 * code to exactly the fields sanlock's own {@code direct read_leader} printed for them, that our checksum matches
 * the one sanlock stored, and that our encoders reproduce sanlock's bytes. Runs without the sanlock binary.
 */
class SanlockFixtureTest {
    private static HexFixture fixture(String name) {
        return HexFixture.load("sanlock/" + name);
    }

    private static void assertLeaderAsSanlockReadIt(String name, Verdict verdict) {
        HexFixture f = fixture(name);
        ByteBuffer bytes = ByteBuffer.wrap(f.bytes);
        Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(bytes, 0);
        assertEquals(verdict, decoded.verdict(), name + ": " + decoded.reason());
        SanlockOutput.assertLeaderMatches(f.readLeaderFields(), decoded.value(),
                LeaderRecordDescriptor.storedChecksum(bytes, 0));
        // Re-encoding what we decoded gives sanlock's bytes back, checksum included.
        assertArrayEquals(f.bytes, LeaderRecordDescriptor.encodeSector(decoded.value(), f.bytes.length), name);
    }

    @Test
    void lockspaceInitialisedBySanlockDecodesAsSanlockReadsIt() {
        assertLeaderAsSanlockReadIt("delta-512-init-host1", Verdict.VALID);
        assertLeaderAsSanlockReadIt("delta-512-init-host2000", Verdict.VALID);
        assertLeaderAsSanlockReadIt("delta-4k8m-init-host1", Verdict.VALID);
    }

    @Test
    void ourFreshDeltaLeaseIsByteIdenticalToSanlocks() {
        byte[] ours = LeaderRecordDescriptor.encodeSector(
                LeaderRecord.deltaInit("TESTLS", AreaGeometry.SECTOR_512_ALIGN_1M, 10), 512);
        assertArrayEquals(fixture("delta-512-init-host1").bytes, ours);
        byte[] ours4k = LeaderRecordDescriptor.encodeSector(
                LeaderRecord.deltaInit("LS4K", AreaGeometry.SECTOR_4K_ALIGN_8M, 10), 4096);
        assertArrayEquals(fixture("delta-4k8m-init-host1").bytes, ours4k);
    }

    @Test
    void deltaLeaseAcquiredBySanlockShowsItsOwner() {
        assertLeaderAsSanlockReadIt("delta-512-acquired-host3", Verdict.VALID);
        HexFixture f = fixture("delta-512-acquired-host3");
        DeltaLease lease = DeltaLeaseDescriptor.decode(ByteBuffer.wrap(f.bytes), 0).value();
        assertEquals(3, lease.leader().ownerId());
        assertEquals(1, lease.leader().ownerGeneration());
        assertFalse(lease.isFree());
        assertTrue(lease.leader().resourceName().matches("[0-9a-f-]{36}\\..+"), "host name is <uuid>.<hostname>");
        assertEquals(1, lease.leader().ioTimeoutSeconds());
    }

    @Test
    void resourceInitialisedBySanlockDecodesAndMatchesOurInit() {
        assertLeaderAsSanlockReadIt("paxos-512-init-leader", Verdict.VALID);
        assertLeaderAsSanlockReadIt("paxos-4k1m-init-leader", Verdict.VALID);
        byte[] area = AreaInit.resource("TESTLS", "RES1", AreaGeometry.SECTOR_512_ALIGN_1M);
        assertArrayEquals(fixture("paxos-512-init-leader").bytes, Arrays.copyOfRange(area, 0, 512));
        assertArrayEquals(fixture("paxos-512-init-request").bytes, Arrays.copyOfRange(area, 512, 1024));
        byte[] area4k = AreaInit.resource("LS4K", "RES4K", AreaGeometry.SECTOR_4K_ALIGN_1M);
        assertArrayEquals(fixture("paxos-4k1m-init-leader").bytes, Arrays.copyOfRange(area4k, 0, 4096));
        Decoded<RequestRecord> request = RequestRecordDescriptor.decode(
                ByteBuffer.wrap(fixture("paxos-512-init-request").bytes), 0);
        assertEquals(Verdict.VALID, request.verdict());
        assertEquals(RequestRecord.INITIAL, request.value());
    }

    @Test
    void leaseAcquiredBySanlockShowsOwnerAndTheBallotInItsDblock() {
        assertLeaderAsSanlockReadIt("paxos-512-acquired-leader", Verdict.VALID);
        HexFixture f = fixture("paxos-512-acquired-host1");
        Map<String, String> leader = f.readLeaderFields();
        Decoded<Dblock> dblock = DblockDescriptor.decode(ByteBuffer.wrap(f.bytes), 0);
        assertEquals(Verdict.VALID, dblock.verdict(), dblock.reason());
        // An uncontended first ballot by host 1: mbal = bal = host_id, and the committed inp is the leader's owner.
        long expectedLver = SanlockOutput.number(leader, "lver");
        assertEquals(new Dblock(1, 1, SanlockOutput.number(leader, "owner_id"),
                SanlockOutput.number(leader, "owner_generation"), SanlockOutput.number(leader, "timestamp"),
                expectedLver, 0), dblock.value());
        Decoded<ModeBlock> mode = ModeBlockDescriptor.decode(ByteBuffer.wrap(f.bytes), 128);
        assertEquals(Verdict.BLANK, mode.verdict());
        assertArrayEquals(f.bytes, DblockDescriptor.encodeSector(dblock.value(), ModeBlock.NONE, 512));
    }

    @Test
    void clearedResourceIsReportedAsCleared() {
        HexFixture f = fixture("paxos-512-cleared-leader");
        Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(ByteBuffer.wrap(f.bytes), 0);
        assertEquals(Verdict.CLEARED, decoded.verdict());
        SanlockOutput.assertLeaderMatches(f.readLeaderFields(), decoded.value(),
                LeaderRecordDescriptor.storedChecksum(ByteBuffer.wrap(f.bytes), 0));
        byte[] ours = AreaInit.clearedResource("TESTLS", "RES2", AreaGeometry.SECTOR_512_ALIGN_1M, 2000,
                decoded.value().writeTimestamp());
        assertArrayEquals(f.bytes, Arrays.copyOfRange(ours, 0, 512));
        AreaCheck check = AreaValidator.checkResource(ByteBuffer.wrap(f.bytes),
                AreaExpectation.resource("TESTLS", "RES2", AreaGeometry.SECTOR_512_ALIGN_1M), "img", 2097152);
        assertEquals(Verdict.CLEARED, check.verdict());
        assertTrue(check.message().startsWith("disk img offset 2097152: "), check.message());
    }

    @Test
    void resourceIndexWrittenBySanlockDecodes() {
        HexFixture header = fixture("rindex-512-header");
        Decoded<RindexHeader> h = RindexDescriptor.decodeHeader(ByteBuffer.wrap(header.bytes), 0);
        assertEquals(Verdict.VALID, h.verdict());
        RindexHeader expected = RindexHeader.format("TESTLS", AreaGeometry.SECTOR_512_ALIGN_1M, 1048576);
        assertEquals(expected, h.value());
        byte[] ours = new byte[512];
        RindexDescriptor.encodeHeader(expected, ByteBuffer.wrap(ours), 0);
        assertArrayEquals(header.bytes, ours);

        HexFixture entries = fixture("rindex-512-entries");
        ByteBuffer e = ByteBuffer.wrap(entries.bytes);
        assertEquals(RindexEntry.of("myres", 3145728), RindexDescriptor.decodeEntry(e, 0).value());
        assertEquals(Verdict.BLANK, RindexDescriptor.decodeEntry(e, 64).verdict());
        assertEquals(RindexEntry.of("other", 5242880), RindexDescriptor.decodeEntry(e, 128).value());
        // sanlock placed each entry by the formula in rindex_disk.h.
        assertEquals(3145728, RindexDescriptor.resourceOffsetBytes(AreaGeometry.SECTOR_512_ALIGN_1M, 1048576, 0));
        assertEquals(5242880, RindexDescriptor.resourceOffsetBytes(AreaGeometry.SECTOR_512_ALIGN_1M, 1048576, 2));
        assertEquals(512 + 128, RindexDescriptor.entryOffsetBytes(AreaGeometry.SECTOR_512_ALIGN_1M, 2));
        assertTrue(entries.comments.stream().anyMatch(c -> c.contains("name other offset 5242880")));
    }
}
