package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The write cache makes writes visible at once but durable only at a sync; a power loss hits unsynced sectors
 * only, each by its reported fate (kept, lost, corrupted), and never a synced one.
 */
class WriteCacheDiskTest {

    private final DiskKit kit = new DiskKit();
    private final WriteCacheDisk cache;

    WriteCacheDiskTest() {
        kit.fill(1);
        cache = new WriteCacheDisk(kit.medium, kit.env(2));
    }

    private byte[] readThrough(long sector, int count) {
        DiskRequest read = kit.read(sector, count);
        kit.submit(cache, read);
        return DiskKit.bytes(read);
    }

    @Test
    void writesAreVisibleAtOnceAndDurableAfterSync() {
        byte[] old = kit.sectors(4, 2);
        byte[] fresh = DiskKit.data(3, 2);
        kit.submit(cache, kit.write(4, fresh));
        assertArrayEquals(fresh, readThrough(4, 2));
        assertArrayEquals(old, kit.sectors(4, 2));
        kit.submit(cache, kit.sync());
        assertArrayEquals(fresh, kit.sectors(4, 2));
        assertEquals(0, cache.dirtySectorCount());
    }

    @Test
    void powerLossDropAllRevertsToTheSyncedState() {
        byte[] synced = DiskKit.data(4, 1);
        kit.submit(cache, kit.write(2, synced));
        kit.submit(cache, kit.sync());
        byte[] before = kit.medium.snapshot();
        kit.submit(cache, kit.write(2, DiskKit.data(5, 1)));
        kit.submit(cache, kit.write(30, DiskKit.data(6, 3)));
        cache.powerLoss(PowerLossMode.DROP_ALL);
        assertArrayEquals(before, kit.medium.snapshot());
        assertArrayEquals(synced, readThrough(2, 1));
        DiskFaultEvent.PowerLoss e = (DiskFaultEvent.PowerLoss) kit.faults.get(0);
        assertEquals(4, e.fates().size());
    }

    @Test
    void powerLossFatesAreWholeSectorsAndMatchTheReport() {
        for (PowerLossMode mode : new PowerLossMode[] {PowerLossMode.DROP_SOME, PowerLossMode.CORRUPT_SOME}) {
            DiskKit k = new DiskKit();
            k.fill(7);
            WriteCacheDisk c = new WriteCacheDisk(k.medium, k.env(8));
            byte[] before = k.medium.snapshot();
            byte[] fresh = DiskKit.data(9, 16);
            k.submit(c, k.write(16, fresh));
            c.powerLoss(mode);
            DiskFaultEvent.PowerLoss e = (DiskFaultEvent.PowerLoss) k.faults.get(0);
            assertEquals(16, e.fates().size());
            boolean sawLost = false;
            for (DiskFaultEvent.SectorFate f : e.fates()) {
                int i = (int) (f.sector() - 16);
                byte[] now = k.medium.sector(f.sector());
                byte[] was = Arrays.copyOfRange(before, (int) f.sector() * DiskKit.SECTOR,
                        (int) (f.sector() + 1) * DiskKit.SECTOR);
                byte[] isNew = Arrays.copyOfRange(fresh, i * DiskKit.SECTOR, (i + 1) * DiskKit.SECTOR);
                switch (f.fate()) {
                    case KEPT -> assertArrayEquals(isNew, now);
                    case LOST -> {
                        assertArrayEquals(was, now);
                        sawLost = true;
                    }
                    case CORRUPTED -> assertFalse(Arrays.equals(isNew, now));
                    default -> throw new AssertionError();
                }
                assertTrue(mode == PowerLossMode.CORRUPT_SOME || f.fate() != DiskFaultEvent.Fate.CORRUPTED);
            }
            assertTrue(sawLost, mode + ": 16 sectors and none lost");
            byte[] outside = Arrays.copyOfRange(k.medium.snapshot(), 0, 16 * DiskKit.SECTOR);
            assertArrayEquals(Arrays.copyOfRange(before, 0, 16 * DiskKit.SECTOR), outside);
        }
    }

    @Test
    void readsOverlayOnlyTheCachedSectors() {
        byte[] fresh = DiskKit.data(11, 1);
        kit.submit(cache, kit.write(8, fresh));
        byte[] got = readThrough(7, 3);
        assertArrayEquals(kit.sectors(7, 1), Arrays.copyOfRange(got, 0, DiskKit.SECTOR));
        assertArrayEquals(fresh, Arrays.copyOfRange(got, DiskKit.SECTOR, 2 * DiskKit.SECTOR));
        assertArrayEquals(kit.sectors(9, 1), Arrays.copyOfRange(got, 2 * DiskKit.SECTOR, 3 * DiskKit.SECTOR));
    }
}
