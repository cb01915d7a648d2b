package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Proves our table CRC is sanlock's variant: the published check value, the affine relation to the JDK's standard
 * CRC-32C with the per-length constants quoted in sanlock.md, and the checksums sanlock itself stored on disk.
 */
class SanlockCrcTest {
    @Test
    void checkValueOfTheStandardStringIsSanlocks() {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE8C7BB34, SanlockCrc.checksum(data, 0, data.length));
        CRC32C standard = new CRC32C();
        standard.update(data);
        assertEquals(0xE3069283L, standard.getValue(), "the standard CRC-32C differs: seed ~1 and no final xor");
    }

    @Test
    void sanlockCrcIsTheComplementOfStandardCrc32cXorALengthConstant() {
        assertEquals(SanlockCrc.AFFINE_K_LEADER, affineConstant(LeaderRecordDescriptor.CHECKSUM_LENGTH));
        assertEquals(SanlockCrc.AFFINE_K_DBLOCK, affineConstant(DblockDescriptor.CHECKSUM_LENGTH));
        qt().forAll(Gens.bytes(0, 300))
                .checkAssert(data -> assertEquals(~standard(data) ^ affineConstant(data.length),
                        SanlockCrc.checksum(data, 0, data.length)));
        qt().forAll(Gens.bytes(LeaderRecordDescriptor.CHECKSUM_LENGTH, LeaderRecordDescriptor.CHECKSUM_LENGTH))
                .checkAssert(data -> assertEquals(~standard(data) ^ SanlockCrc.AFFINE_K_LEADER,
                        SanlockCrc.checksum(data, 0, data.length)));
        qt().forAll(Gens.bytes(DblockDescriptor.CHECKSUM_LENGTH, DblockDescriptor.CHECKSUM_LENGTH))
                .checkAssert(data -> assertEquals(~standard(data) ^ SanlockCrc.AFFINE_K_DBLOCK,
                        SanlockCrc.checksum(data, 0, data.length)));
    }

    @Test
    void checksumsStoredBySanlockAreReproduced() {
        for (String name : new String[] {"delta-512-init-host1", "delta-512-acquired-host3", "paxos-512-init-leader",
                "paxos-512-acquired-leader", "paxos-4k1m-init-leader"}) {
            HexFixture f = HexFixture.load("sanlock/" + name);
            ByteBuffer bytes = ByteBuffer.wrap(f.bytes);
            assertEquals(LeaderRecordDescriptor.storedChecksum(bytes, 0),
                    SanlockCrc.checksum(bytes, 0, LeaderRecordDescriptor.CHECKSUM_LENGTH), name);
        }
        HexFixture dblock = HexFixture.load("sanlock/paxos-512-acquired-host1");
        ByteBuffer bytes = ByteBuffer.wrap(dblock.bytes);
        assertEquals(bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(DblockDescriptor.CHECKSUM_OFFSET),
                SanlockCrc.checksum(bytes, 0, DblockDescriptor.CHECKSUM_LENGTH));
        // sanlock.md §1.9 quotes these two checksums from its own 512/1M sample.
        assertEquals(0x04661272, LeaderRecordDescriptor.storedChecksum(
                ByteBuffer.wrap(LeaderRecordDescriptor.encodeSector(
                        LeaderRecord.deltaInit("TESTLS", AreaGeometry.SECTOR_512_ALIGN_1M, 10), 512)), 0));
        assertEquals(0x54B619FE, LeaderRecordDescriptor.storedChecksum(ByteBuffer.wrap(AreaInit.resource("TESTLS",
                "RES1", AreaGeometry.SECTOR_512_ALIGN_1M)), 0));
    }

    @Test
    void runningUpdateEqualsOneShot() {
        byte[] data = "sanlock leader record bytes".getBytes(StandardCharsets.US_ASCII);
        int split = 7;
        int partial = SanlockCrc.update(SanlockCrc.SEED, ByteBuffer.wrap(data), 0, split);
        assertEquals(SanlockCrc.checksum(data, 0, data.length),
                SanlockCrc.update(partial, ByteBuffer.wrap(data), split, data.length - split));
    }

    private static int standard(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    /** K(len) = sanlock(zeros) ^ ~CRC32C(zeros), sanlock's from the table: the constant part of an affine function. */
    private static int affineConstant(int length) {
        byte[] zeros = new byte[length];
        return table(zeros) ^ ~standard(zeros);
    }

    /** sanlock's CRC the way its C code computes it: the table, byte by byte. */
    private static int table(byte[] data) {
        return SanlockCrc.update(SanlockCrc.SEED, ByteBuffer.wrap(data), 0, data.length);
    }

    @Test
    void theFastChecksumOfDblocksAndLeadersIsTheTables() {
        qt().forAll(Gens.bytes(DblockDescriptor.CHECKSUM_LENGTH, DblockDescriptor.CHECKSUM_LENGTH))
                .checkAssert(data -> assertEquals(table(data), SanlockCrc.checksum(data, 0, data.length)));
        qt().forAll(Gens.bytes(LeaderRecordDescriptor.CHECKSUM_LENGTH, LeaderRecordDescriptor.CHECKSUM_LENGTH))
                .checkAssert(data -> assertEquals(table(data), SanlockCrc.checksum(data, 0, data.length)));
        qt().forAll(Gens.bytes(0, 300))
                .checkAssert(data -> assertEquals(table(data), SanlockCrc.checksum(data, 0, data.length)));
        // At an offset inside a larger direct buffer, as the ballot reads blocks.
        ByteBuffer direct = ByteBuffer.allocateDirect(4 * 512);
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put(i, (byte) (i * 31 + 7));
        }
        byte[] copy = new byte[DblockDescriptor.CHECKSUM_LENGTH];
        direct.get(3 * 512, copy);
        assertEquals(table(copy), SanlockCrc.checksum(direct, 3 * 512, DblockDescriptor.CHECKSUM_LENGTH));
        assertEquals(0, direct.position(), "the buffer's position is left alone");
    }
}
