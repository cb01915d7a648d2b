package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Proves, over random records, that every codec round-trips, that any single bit flip inside a checksummed range is
 * detected (never decodes VALID), that flips outside it are NOT detected (documenting what sanlock leaves unprotected),
 * that blank bytes decode as BLANK, and that no byte pattern at all makes a decoder throw.
 */
class CodecPropertiesTest {
    @Test
    void leaderRecordsRoundTrip() {
        qt().forAll(Gens.anyKindOfLeader()).checkAssert(leader -> {
            ByteBuffer buffer = ByteBuffer.allocate(LeaderRecordDescriptor.LENGTH);
            LeaderRecordDescriptor.encode(leader, buffer, 0);
            Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(buffer, 0);
            assertEquals(Verdict.VALID, decoded.verdict(), decoded.reason());
            assertEquals(leader, decoded.value());
        });
    }

    @Test
    void anySingleBitFlipInTheLeaderChecksumRangeIsDetected() {
        qt().forAll(Gens.anyKindOfLeader(), Gens.ints(0, (LeaderRecordDescriptor.CHECKSUM_OFFSET + 4) * 8 - 1))
                .checkAssert((leader, bit) -> {
                    ByteBuffer buffer = ByteBuffer.allocate(LeaderRecordDescriptor.LENGTH);
                    LeaderRecordDescriptor.encode(leader, buffer, 0);
                    flip(buffer, bit);
                    Verdict verdict = LeaderRecordDescriptor.decode(buffer, 0).verdict();
                    assertNotEquals(Verdict.VALID, verdict, "bit " + bit);
                    if (bit >= 64) {
                        // Outside magic and version, only the checksum can notice.
                        assertEquals(Verdict.BAD_CHECKSUM, verdict, "bit " + bit);
                    }
                });
    }

    @Test
    void bitFlipsAfterTheLeaderChecksumAreNotDetected() {
        int first = (LeaderRecordDescriptor.CHECKSUM_OFFSET + 4) * 8;
        qt().forAll(Gens.anyKindOfLeader(), Gens.ints(first, LeaderRecordDescriptor.LENGTH * 8 - 1))
                .checkAssert((leader, bit) -> {
                    ByteBuffer buffer = ByteBuffer.allocate(LeaderRecordDescriptor.LENGTH);
                    LeaderRecordDescriptor.encode(leader, buffer, 0);
                    flip(buffer, bit);
                    Decoded<LeaderRecord> decoded = LeaderRecordDescriptor.decode(buffer, 0);
                    assertEquals(Verdict.VALID, decoded.verdict(), "io_timeout and write_* are unprotected");
                    assertNotEquals(leader, decoded.value(), "the flip changed a field nobody can detect");
                });
    }

    @Test
    void dblocksRoundTripAndDetectFlipsInTheirChecksumRange() {
        qt().forAll(Gens.dblocks(), Gens.ints(0, (DblockDescriptor.CHECKSUM_OFFSET + 4) * 8 - 1))
                .checkAssert((dblock, bit) -> {
                    ByteBuffer buffer = ByteBuffer.allocate(DblockDescriptor.LENGTH);
                    DblockDescriptor.encode(dblock, buffer, 0);
                    Decoded<Dblock> decoded = DblockDescriptor.decode(buffer, 0);
                    assertEquals(Verdict.VALID, decoded.verdict());
                    assertEquals(dblock, decoded.value());
                    flip(buffer, bit);
                    assertEquals(Verdict.BAD_CHECKSUM, DblockDescriptor.decode(buffer, 0).verdict(), "bit " + bit);
                });
    }

    @Test
    void dblockFlagsAreNotProtected() {
        qt().forAll(Gens.dblocks(), Gens.ints(DblockDescriptor.FLAGS_OFFSET * 8, DblockDescriptor.LENGTH * 8 - 1))
                .checkAssert((dblock, bit) -> {
                    ByteBuffer buffer = ByteBuffer.allocate(DblockDescriptor.LENGTH);
                    DblockDescriptor.encode(dblock, buffer, 0);
                    flip(buffer, bit);
                    Decoded<Dblock> decoded = DblockDescriptor.decode(buffer, 0);
                    assertEquals(Verdict.VALID, decoded.verdict(), "DBLOCK_FL_RELEASED is outside the checksum");
                    assertNotEquals(dblock.flags(), decoded.value().flags());
                });
    }

    @Test
    void deltaLeasesModeBlocksAndRequestsRoundTrip() {
        qt().forAll(Gens.leaders(LeaderRecordDescriptor.DELTA_DISK_MAGIC, LeaderRecordDescriptor.DELTA_DISK_VERSION),
                Gens.bitmaps()).checkAssert((leader, bitmap) -> {
                    DeltaLease lease = new DeltaLease(leader, bitmap);
                    byte[] sector = DeltaLeaseDescriptor.encodeSector(lease, 512);
                    Decoded<DeltaLease> decoded = DeltaLeaseDescriptor.decode(ByteBuffer.wrap(sector), 0);
                    assertEquals(Verdict.VALID, decoded.verdict());
                    assertEquals(lease, decoded.value());
                });
        qt().forAll(Gens.modeBlocks(), Gens.requests()).checkAssert((mode, request) -> {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            ModeBlockDescriptor.encode(mode, buffer, 0);
            RequestRecordDescriptor.encode(request, buffer, 32);
            assertEquals(mode, ModeBlockDescriptor.decode(buffer, 0).value());
            Decoded<RequestRecord> decodedRequest = RequestRecordDescriptor.decode(buffer, 32);
            assertEquals(Verdict.VALID, decodedRequest.verdict());
            assertEquals(request, decodedRequest.value());
        });
    }

    @Test
    void blankSectorsDecodeAsBlank() {
        for (int sectorSize : new int[] {512, 4096}) {
            ByteBuffer zero = ByteBuffer.allocate(sectorSize);
            assertEquals(Verdict.BLANK, LeaderRecordDescriptor.decode(zero, 0).verdict());
            assertEquals(Verdict.BLANK, DeltaLeaseDescriptor.decode(zero, 0).verdict());
            assertEquals(Verdict.BLANK, DblockDescriptor.decode(zero, 0).verdict());
            assertEquals(Verdict.BLANK, ModeBlockDescriptor.decode(zero, 128).verdict());
            assertEquals(Verdict.BLANK, RequestRecordDescriptor.decode(zero, 0).verdict());
            assertEquals(Verdict.BLANK, RindexDescriptor.decodeHeader(zero, 0).verdict());
            assertEquals(Verdict.BLANK, RindexDescriptor.decodeEntry(zero, 0).verdict());
        }
        // sanlock's verify_dblock only looks at checksum, mbal, bal, inp and lver.
        Decoded<Dblock> halfBlank = DblockDescriptor.decode(ByteBuffer.wrap(DblockDescriptor.encodeSector(
                Dblock.ZERO, ModeBlock.NONE, 512)).putLong(DblockDescriptor.INP2_OFFSET, 9), 0);
        assertEquals(Verdict.BAD_CHECKSUM, halfBlank.verdict(), "our encoder stored a non-zero checksum");
        ByteBuffer sanlockBlank = ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        sanlockBlank.putLong(DblockDescriptor.INP2_OFFSET, 9);
        assertEquals(Verdict.BLANK, DblockDescriptor.decode(sanlockBlank, 0).verdict());
        assertEquals(true, Verdict.BLANK.acceptedAsDblock());
    }

    @Test
    void isBlankAgreesWithTheDecodersBlankVerdict() {
        // Random sectors, and blank ones with one bit set anywhere in the dblock (inp2, inp3 and flags included).
        qt().forAll(Gens.bytes(0, 80), Gens.ints(-1, DblockDescriptor.LENGTH * 8 - 1)).checkAssert((bytes, bit) -> {
            ByteBuffer random = ByteBuffer.wrap(bytes);
            assertEquals(DblockDescriptor.decode(random, 0).verdict() == Verdict.BLANK,
                    DblockDescriptor.isBlank(random, 0));
            ByteBuffer blank = ByteBuffer.allocate(DblockDescriptor.LENGTH);
            if (bit >= 0) {
                flip(blank, bit);
            }
            assertEquals(DblockDescriptor.decode(blank, 0).verdict() == Verdict.BLANK,
                    DblockDescriptor.isBlank(blank, 0), "bit " + bit);
        });
        assertEquals(true, DblockDescriptor.isBlank(ByteBuffer.allocate(DblockDescriptor.LENGTH), 0));
        assertEquals(false, DblockDescriptor.isBlank(ByteBuffer.allocate(DblockDescriptor.LENGTH - 1), 0),
                "too short to hold a dblock");
    }

    @Test
    void aStampedBlankIsRecognisedWithoutItsChecksumExactlyWhenTheFullCheckWouldPassIt() {
        // Host ids, area ids, and one bit flipped anywhere in the first 88 bytes (or none): isStampedBlank must say
        // yes only where decode says BLANK and check says MATCHES, and say yes to the untouched stamped blank.
        qt().forAll(Gens.ints(1, 2000), longs().all(), Gens.ints(-1, (DblockStamp.END_OFFSET + 4) * 8 - 1))
                .checkAssert((host, areaId, bit) -> {
                    int[] crcs = DblockStamp.blankSectorCrcs(host, areaId);
                    ByteBuffer sector = ByteBuffer.wrap(DblockStamp.stampedBlankSector(512, host, areaId));
                    if (bit >= 0) {
                        flip(sector, bit);
                    }
                    boolean fast = DblockStamp.isStampedBlank(sector, 0, host, areaId, crcs[host]);
                    boolean full = DblockDescriptor.decode(sector, 0).verdict() == Verdict.BLANK
                            && DblockStamp.check(sector, 0, host, areaId) == DblockStamp.Check.MATCHES;
                    if (bit < 0) {
                        assertTrue(fast, "the stamped blank itself");
                    }
                    if (fast) {
                        assertTrue(full, "bit " + bit);
                    }
                    assertEquals(false, DblockStamp.isStampedBlank(sector, 0, host + 1, areaId,
                            DblockStamp.blankSectorCrcs(host + 1, areaId)[host + 1]), "read as another host's sector");
                });
    }

    @Test
    void randomBytesNeverMakeADecoderThrow() {
        qt().forAll(Gens.bytes(0, 600), Gens.ints(-8, 600)).checkAssert((bytes, offset) -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            LeaderRecordDescriptor.decode(buffer, offset);
            DeltaLeaseDescriptor.decode(buffer, offset);
            DblockDescriptor.decode(buffer, offset);
            ModeBlockDescriptor.decode(buffer, offset);
            RequestRecordDescriptor.decode(buffer, offset);
            RindexDescriptor.decodeHeader(buffer, offset);
            RindexDescriptor.decodeEntry(buffer, offset);
            RecordRenderer.area(buffer, 0);
            AreaExpectation expected = AreaExpectation.resource("LS", "R", AreaGeometry.SECTOR_512_ALIGN_1M);
            AreaValidator.checkResource(buffer, expected, "d", 0);
            AreaValidator.checkLockspace(buffer, expected, "d", 0);
        });
    }

    private static void flip(ByteBuffer buffer, int bit) {
        int index = bit / 8;
        buffer.put(index, (byte) (buffer.get(index) ^ (1 << (bit % 8))));
    }
}
