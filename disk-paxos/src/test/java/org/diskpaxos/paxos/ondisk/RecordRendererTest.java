package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the human rendering of areas: one line per record in use, fields in words, bad records flagged not hidden. */
class RecordRendererTest {
    private static final AreaGeometry G = AreaGeometry.SECTOR_512_ALIGN_1M;

    @Test
    void resourceAreaShowsOwnerRequestAndBallots() {
        byte[] area = AreaInit.resource("LS", "RES", G);
        ByteBuffer b = ByteBuffer.wrap(area);
        LeaderRecordDescriptor.encode(LeaderRecord.paxosInit("LS", "RES", G, 2000).withLver(3).withOwner(2, 5, 777)
                .withWriter(2, 5, 778), b, 0);
        RequestRecordDescriptor.encode(RequestRecord.request(4, 1), b, G.resourceRequestOffsetBytes());
        DblockDescriptor.encode(Dblock.phase2(2002, 3, 2, 5, 777), b, G.resourceDblockOffsetBytes(2));
        DblockDescriptor.encode(Dblock.phase1(4003, 3), b, G.resourceDblockOffsetBytes(3));
        area[G.resourceDblockOffsetBytes(3) + DblockDescriptor.MBAL_OFFSET] ^= 1;
        ModeBlockDescriptor.encode(ModeBlock.shared(9), b, G.resourceModeBlockOffsetBytes(4));
        assertEquals(List.of(
                "offset 1048576 leader resource 'LS:RES' lver 3 held by host 2 generation 5 timestamp 777,"
                        + " num_hosts 2000 max_hosts 2000, written by host 2 generation 5 at 778",
                "offset 1049088 request lver 4 force_mode 1",
                "offset 1050112 host 2 dblock lver 3 mbal 2002 bal 2002 inp host 2 generation 5 timestamp 777",
                "offset 1050624 host 3 dblock BAD_CHECKSUM (checksum " + LeaderRecordDescriptor.hex(
                        LittleEndian.getInt(b, G.resourceDblockOffsetBytes(3) + DblockDescriptor.CHECKSUM_OFFSET))
                        + ", computed " + LeaderRecordDescriptor.hex(SanlockCrc.checksum(b, G.resourceDblockOffsetBytes(3),
                        DblockDescriptor.CHECKSUM_LENGTH)) + ") lver 3 mbal 4002 bal 0 no input",
                "offset 1051136 host 4 dblock lver 0 mbal 0 bal 0 no input shared generation 9"),
                RecordRenderer.area(b, 1048576));
    }

    @Test
    void lockspaceAreaShowsUsedSlotsOnly() {
        byte[] area = AreaInit.lockspace("LS", G, 10).finalArea();
        LeaderRecord free = LeaderRecord.deltaInit("LS", G, 10);
        DeltaLeaseDescriptor.encode(new DeltaLease(free.withOwner(3, 2, 456).withResourceName("uuid.host"),
                HostIdBitmap.of(7)), ByteBuffer.wrap(area), G.lockspaceHostOffsetBytes(3));
        DeltaLeaseDescriptor.encode(new DeltaLease(free.withOwner(5, 4, 0).withResourceName("gone"),
                HostIdBitmap.EMPTY), ByteBuffer.wrap(area), G.lockspaceHostOffsetBytes(5));
        assertEquals(List.of(
                "offset 0 lockspace 'LS' 512/1M (2000 hosts)",
                "offset 1024 host 3 held by 'uuid.host' generation 2 timestamp 456 io_timeout 10s signalling hosts [7]",
                "offset 2048 host 5 free, last held by 'gone' generation 4 io_timeout 10s",
                "1998 of 2000 host slots never used"), RecordRenderer.area(ByteBuffer.wrap(area), 0));
    }

    @Test
    void blankAndForeignAreasAreSaidSo() {
        assertEquals(List.of("offset 0 BLANK all zero"), RecordRenderer.area(ByteBuffer.allocate(4096), 0));
        byte[] junk = new byte[512];
        junk[0] = 1;
        assertEquals(List.of("offset 0 BAD_MAGIC (magic 0x00000001) sector_size 0 flags 0x00000000"),
                RecordRenderer.area(ByteBuffer.wrap(junk), 0));
    }
}
