package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A torn write respects sector boundaries: every sector holds either all of its old or all of its new bytes,
 * some but not all sectors landed, exactly the reported ones, and the write is answered FAILED.
 */
class TornWriteDiskTest {

    @Test
    void tornWritesLandWholeSectorsOnly() {
        qt().withExamples(300).withFixedSeed(23)
                .forAll(longs().all(), integers().between(2, 16), integers().between(0, 47))
                .check((seed, sectors, first) -> {
                    DiskKit kit = new DiskKit();
                    kit.fill(seed);
                    byte[] old = kit.sectors(first, sectors);
                    byte[] fresh = DiskKit.data(~seed, sectors);
                    TornWriteDisk disk = new TornWriteDisk(kit.medium, kit.env(seed), 1.0);
                    DiskKit.Reply reply = kit.submit(disk, kit.write(first, fresh));
                    if (reply.outcome.ok() || kit.faults.size() != 1) {
                        return false;
                    }
                    List<Long> landed = ((DiskFaultEvent.Torn) kit.faults.get(0)).landedSectors();
                    byte[] now = kit.sectors(first, sectors);
                    int newCount = 0;
                    for (int i = 0; i < sectors; i++) {
                        byte[] got = Arrays.copyOfRange(now, i * DiskKit.SECTOR, (i + 1) * DiskKit.SECTOR);
                        byte[] wasOld = Arrays.copyOfRange(old, i * DiskKit.SECTOR, (i + 1) * DiskKit.SECTOR);
                        byte[] isNew = Arrays.copyOfRange(fresh, i * DiskKit.SECTOR, (i + 1) * DiskKit.SECTOR);
                        boolean nowNew = Arrays.equals(got, isNew);
                        if (!nowNew && !Arrays.equals(got, wasOld)) {
                            return false; // part of a sector written
                        }
                        if (nowNew != landed.contains((long) first + i)) {
                            return false;
                        }
                        newCount += nowNew ? 1 : 0;
                    }
                    return newCount >= 1 && newCount < sectors && landed.size() == newCount;
                });
    }

    @Test
    void singleSectorWritesReadsAndSyncsPassUntouched() {
        DiskKit kit = new DiskKit();
        TornWriteDisk disk = new TornWriteDisk(kit.medium, kit.env(1), 1.0);
        byte[] one = DiskKit.data(5, 1);
        assertTrue(kit.submit(disk, kit.write(9, one)).outcome.ok());
        assertArrayEquals(one, kit.sectors(9, 1));
        assertTrue(kit.submit(disk, kit.read(0, 8)).outcome.ok());
        assertTrue(kit.submit(disk, kit.sync()).outcome.ok());
        assertTrue(kit.faults.isEmpty());
    }
}
