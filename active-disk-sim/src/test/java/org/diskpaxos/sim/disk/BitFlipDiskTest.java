package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/**
 * A bit flip changes exactly one bit: of the data a read returns (the medium keeps the truth) or of the data a
 * write stores (the host's buffer keeps the truth); the reported sector and bit are the ones that changed.
 */
class BitFlipDiskTest {

    private static int differingBits(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
        }
        return n;
    }

    private static int flippedBitIndex(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            int x = (a[i] ^ b[i]) & 0xFF;
            if (x != 0) {
                return i * 8 + Integer.numberOfTrailingZeros(x);
            }
        }
        return -1;
    }

    @Test
    void readFlipChangesOneBitOfTheReturnedDataOnly() {
        qt().withExamples(200).withFixedSeed(31).forAll(longs().all(), integers().between(1, 4)).check((seed, n) -> {
            DiskKit kit = new DiskKit();
            kit.fill(seed);
            byte[] before = kit.medium.snapshot();
            DiskRequest read = kit.read(10, n);
            kit.submit(new BitFlipDisk(kit.medium, kit.env(seed), 1.0, 0), read);
            DiskFaultEvent.BitFlipped e = (DiskFaultEvent.BitFlipped) kit.faults.get(0);
            int bit = flippedBitIndex(kit.sectors(10, n), DiskKit.bytes(read));
            return differingBits(kit.sectors(10, n), DiskKit.bytes(read)) == 1
                    && java.util.Arrays.equals(before, kit.medium.snapshot())
                    && e.sector() == 10 + bit / (8 * DiskKit.SECTOR) && e.bitInSector() == bit % (8 * DiskKit.SECTOR);
        });
    }

    @Test
    void writeFlipChangesOneBitOfTheStoredDataAndNotTheHostBuffer() {
        DiskKit kit = new DiskKit();
        byte[] data = DiskKit.data(8, 3);
        DiskRequest write = kit.write(5, data);
        kit.submit(new BitFlipDisk(kit.medium, kit.env(9), 0, 1.0), write);
        assertEquals(1, differingBits(data, kit.sectors(5, 3)));
        assertArrayEquals(data, DiskKit.bytes(write));
        assertEquals(1, kit.faults.size());
    }
}
