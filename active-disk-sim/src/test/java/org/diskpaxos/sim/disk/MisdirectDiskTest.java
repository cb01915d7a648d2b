package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A misdirected write lands, whole and sector-aligned, within the allowed distance of where it was addressed and
 * nowhere else; a misdirected read returns the other place's data. Both are answered OK and reported.
 */
class MisdirectDiskTest {

    @Test
    void misdirectedWriteChangesOnlyTheReportedPlace() {
        qt().withExamples(300).withFixedSeed(29)
                .forAll(longs().all(), integers().between(1, 4), integers().between(0, 60), integers().between(1, 8))
                .check((seed, sectors, firstRaw, max) -> {
                    int first = Math.min(firstRaw, DiskKit.SECTORS - sectors);
                    DiskKit kit = new DiskKit();
                    kit.fill(seed);
                    byte[] before = kit.medium.snapshot();
                    byte[] fresh = DiskKit.data(~seed, sectors);
                    MisdirectDisk disk = new MisdirectDisk(kit.medium, kit.env(seed), 1.0, max);
                    DiskKit.Reply reply = kit.submit(disk, kit.write(first, fresh));
                    if (!reply.outcome.ok()) {
                        return false;
                    }
                    long actual = kit.faults.isEmpty() ? first * (long) DiskKit.SECTOR
                            : ((DiskFaultEvent.Misdirected) kit.faults.get(0)).actualOffsetBytes();
                    long distance = Math.abs(actual / DiskKit.SECTOR - first);
                    if (actual % DiskKit.SECTOR != 0 || distance > max || (distance == 0) != kit.faults.isEmpty()) {
                        return false;
                    }
                    byte[] expected = before.clone();
                    System.arraycopy(fresh, 0, expected, (int) actual, fresh.length);
                    return Arrays.equals(expected, kit.medium.snapshot());
                });
    }

    @Test
    void misdirectedReadReturnsTheOtherPlace() {
        DiskKit kit = new DiskKit();
        kit.fill(3);
        MisdirectDisk disk = new MisdirectDisk(kit.medium, kit.env(4), 1.0, 8);
        DiskRequest read = kit.read(20, 2);
        kit.submit(disk, read);
        long actual = ((DiskFaultEvent.Misdirected) kit.faults.get(0)).actualOffsetBytes();
        assertArrayEquals(kit.sectors(actual / DiskKit.SECTOR, 2), DiskKit.bytes(read));
    }
}
