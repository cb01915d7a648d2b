package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Proves that the lock value block codec round-trips any value that fits, detects any single bit flip in the header
 * or the value (never VALID), reads a never-written sector as an empty BLANK block, tells sanlock's raw bytes, another
 * area's block and an impossible length apart from data, never throws on any bytes, and refuses a value that does not
 * fit; and that the block sits inside the area for every geometry, where sanlock's fixed sector 2002 does not.
 */
class LvbDescriptorTest {
    private static final long AREA = DblockStamp.areaId("ls", "res");

    private static Lvb lvb(long lver, int length, int seed) {
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) (seed * 31 + i * 7);
        }
        return new Lvb(AREA, lver, value);
    }

    @Test
    void valuesRoundTripForBothSectorSizes() {
        qt().forAll(integers().between(0, 1), longs().between(0, Long.MAX_VALUE), integers().between(0, 4064),
                integers().all()).checkAssert((big, lver, length, seed) -> {
                    int sector = big == 1 ? 4096 : 512;
                    int n = Math.min(length, LvbDescriptor.capacityBytes(sector));
                    Lvb original = lvb(lver, n, seed);
                    byte[] bytes = LvbDescriptor.encodeSector(original, sector);
                    assertEquals(sector, bytes.length);
                    Decoded<Lvb> decoded = LvbDescriptor.decode(ByteBuffer.wrap(bytes), 0, sector, AREA);
                    assertEquals(Verdict.VALID, decoded.verdict(), decoded.reason());
                    assertEquals(original, decoded.value());
                });
    }

    @Test
    void anySingleBitFlipInHeaderOrValueIsDetected() {
        qt().forAll(integers().between(0, 480), integers().all(), integers().between(0, Integer.MAX_VALUE))
                .checkAssert((length, seed, bitChoice) -> {
                    byte[] bytes = LvbDescriptor.encodeSector(lvb(7, length, seed), 512);
                    int bits = (LvbDescriptor.HEADER_LENGTH + length) * 8;
                    int bit = bitChoice % bits;
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                    Decoded<Lvb> decoded = LvbDescriptor.decode(ByteBuffer.wrap(bytes), 0, 512, AREA);
                    assertNotEquals(Verdict.VALID, decoded.verdict(), "bit " + bit);
                });
    }

    @Test
    void noByteSequenceMakesTheDecoderThrow() {
        qt().forAll(Gens.bytes(512, 512), longs().all()).checkAssert((bytes, area) -> {
            Decoded<Lvb> decoded = LvbDescriptor.decode(ByteBuffer.wrap(bytes), 0, 512, area);
            assertTrue(decoded.value() != null);
        });
    }

    @Test
    void aNeverWrittenSectorIsAnEmptyBlankBlock() {
        Decoded<Lvb> decoded = LvbDescriptor.decode(ByteBuffer.allocate(512), 0, 512, AREA);
        assertEquals(Verdict.BLANK, decoded.verdict());
        assertEquals(0, decoded.value().length());
        assertEquals(0, decoded.value().lver());
    }

    @Test
    void sanlocksRawBytesAreNotTakenForAValue() {
        byte[] raw = "value written by sanlock_set_lvb".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer sector = ByteBuffer.allocate(512).put(raw);
        Decoded<Lvb> decoded = LvbDescriptor.decode(sector, 0, 512, AREA);
        assertEquals(Verdict.BAD_MAGIC, decoded.verdict());
        assertTrue(decoded.reason().contains("sanlock"), decoded.reason());
    }

    @Test
    void anotherAreasBlockIsRecognised() {
        byte[] bytes = LvbDescriptor.encodeSector(new Lvb(DblockStamp.areaId("ls", "other"), 3, new byte[] {1, 2}),
                512);
        assertEquals(Verdict.WRONG_RESOURCE, LvbDescriptor.decode(ByteBuffer.wrap(bytes), 0, 512, AREA).verdict());
    }

    @Test
    void anImpossibleLengthIsDamageNotAnException() {
        byte[] bytes = LvbDescriptor.encodeSector(lvb(1, 10, 1), 512);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(LvbDescriptor.LENGTH_OFFSET, 100_000);
        Decoded<Lvb> decoded = LvbDescriptor.decode(b, 0, 512, AREA);
        assertEquals(Verdict.BAD_CHECKSUM, decoded.verdict());
        assertTrue(decoded.reason().contains("100000"), decoded.reason());
        b.putInt(LvbDescriptor.LENGTH_OFFSET, -1);
        assertEquals(Verdict.BAD_CHECKSUM, LvbDescriptor.decode(b, 0, 512, AREA).verdict());
    }

    @Test
    void aValueLargerThanTheSectorAllowsIsRefused() {
        assertEquals(480, LvbDescriptor.capacityBytes(512));
        assertEquals(4064, LvbDescriptor.capacityBytes(4096));
        LvbDescriptor.encodeSector(lvb(1, 480, 0), 512);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LvbDescriptor.encodeSector(lvb(1, 481, 0), 512));
        assertTrue(e.getMessage().contains("at most 480"), e.getMessage());
    }

    @Test
    void theValueIsCopiedInAndOut() {
        byte[] mine = {1, 2, 3};
        Lvb l = new Lvb(AREA, 1, mine);
        mine[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, l.value());
        l.value()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, l.value());
    }

    @Test
    void theBlockIsInsideTheAreaForEveryGeometryUnlikeSanlocksSector2002() {
        for (AreaGeometry g : AreaGeometry.ALL) {
            long end = (long) g.resourceLvbOffsetBytes() + g.sectorSizeBytes();
            assertTrue(end <= g.alignSizeBytes(), g.describe());
            assertTrue(g.resourceLvbOffsetBytes() > g.resourceDblockOffsetBytes(g.maxHosts()), g.describe());
        }
        assertEquals(2002L * 4096, AreaGeometry.SECTOR_4K_ALIGN_8M.resourceLvbOffsetBytes());
        assertEquals(2002L * 512, AreaGeometry.SECTOR_512_ALIGN_1M.resourceLvbOffsetBytes());
        assertTrue(2002L * 4096 > AreaGeometry.SECTOR_4K_ALIGN_1M.alignSizeBytes(), "sanlock's pitfall");
    }
}
