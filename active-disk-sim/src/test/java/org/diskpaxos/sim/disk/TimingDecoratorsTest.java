package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The decorators that only move I/O in time: latency (within its model, and reordering concurrent I/O), stalls
 * (the I/O reaches the disk late), an unresponsive disk (nothing moves until it resumes), and sector splitting.
 * None of them changes data.
 */
class TimingDecoratorsTest {

    @Test
    void latencyStaysWithinItsModelEachWay() {
        DiskKit kit = new DiskKit();
        LatencyModel model = new LatencyModel(10_000, 40_000, 200_000);
        LatencyDisk disk = new LatencyDisk(kit.medium, kit.env(1), model);
        for (int i = 0; i < 200; i++) {
            long start = kit.scheduler.nowNs();
            byte[] data = DiskKit.data(i, 1);
            DiskKit.Reply reply = kit.submit(disk, kit.write(i % 8, data));
            assertFalse(reply.done(), "answered inside submit");
            kit.runAll();
            long took = reply.atNs - start;
            assertTrue(took >= 20_000 && took <= 400_000, "took " + took);
            assertArrayEquals(data, kit.sectors(i % 8, 1));
        }
    }

    @Test
    void latencyReordersConcurrentWrites() {
        int firstWins = 0;
        int secondWins = 0;
        for (long seed = 0; seed < 100; seed++) {
            DiskKit kit = new DiskKit();
            LatencyDisk disk = new LatencyDisk(kit.medium, kit.env(seed), new LatencyModel(1_000, 100_000, 1_000_000));
            byte[] a = DiskKit.data(1, 1);
            byte[] b = DiskKit.data(2, 1);
            kit.submit(disk, kit.write(0, a));
            kit.submit(disk, kit.write(0, b));
            kit.runAll();
            if (java.util.Arrays.equals(a, kit.sectors(0, 1))) {
                firstWins++;
            } else {
                assertArrayEquals(b, kit.sectors(0, 1));
                secondWins++;
            }
        }
        assertTrue(firstWins > 10 && secondWins > 10, "first " + firstWins + ", second " + secondWins);
    }

    @Test
    void stalledIoReachesTheDiskLate() {
        DiskKit kit = new DiskKit();
        StallDisk disk = new StallDisk(kit.medium, kit.env(3), 1.0, 5_000_000, 9_000_000);
        byte[] data = DiskKit.data(4, 2);
        DiskKit.Reply reply = kit.submit(disk, kit.write(6, data));
        kit.runUntil(4_999_999);
        assertFalse(reply.done());
        assertFalse(java.util.Arrays.equals(data, kit.sectors(6, 2)), "landed before the stall ended");
        kit.runAll();
        assertTrue(reply.outcome.ok());
        assertTrue(reply.atNs >= 5_000_000 && reply.atNs <= 9_000_000);
        assertArrayEquals(data, kit.sectors(6, 2));
        assertEquals(reply.atNs, ((DiskFaultEvent.Stalled) kit.faults.get(0)).stallNs());
    }

    @Test
    void unresponsiveDiskHoldsRequestsAndRepliesUntilItResumes() {
        DiskKit kit = new DiskKit();
        LatencyDisk below = new LatencyDisk(kit.medium, kit.env(5), LatencyModel.fixed(1_000));
        UnresponsiveDisk disk = new UnresponsiveDisk(below, kit.env(6), -1);
        byte[] a = DiskKit.data(7, 1);
        DiskKit.Reply inFlight = kit.submit(disk, kit.write(1, a));
        kit.runUntil(1_500); // applied, reply on its way back
        disk.stop();
        byte[] b = DiskKit.data(8, 1);
        DiskKit.Reply held = kit.submit(disk, kit.write(2, b));
        kit.runUntil(1_000_000);
        assertFalse(inFlight.done(), "a reply got out of a stopped disk");
        assertFalse(held.done());
        assertArrayEquals(a, kit.sectors(1, 1));
        assertFalse(java.util.Arrays.equals(b, kit.sectors(2, 1)), "a held write landed");
        assertEquals(2, disk.heldCount());
        disk.resume();
        kit.runAll();
        assertTrue(inFlight.outcome.ok() && held.outcome.ok());
        assertArrayEquals(b, kit.sectors(2, 1));
    }

    @Test
    void sectorSplitSendsEachSectorOnItsOwn() {
        DiskKit kit = new DiskKit();
        SectorSplitDisk disk = new SectorSplitDisk(kit.medium, kit.env(9));
        long appliedBefore = kit.medium.appliedCount();
        byte[] data = DiskKit.data(10, 4);
        assertTrue(kit.submit(disk, kit.write(12, data)).outcome.ok());
        assertEquals(appliedBefore + 4, kit.medium.appliedCount());
        assertArrayEquals(data, kit.sectors(12, 4));
        ErrorDisk failing = new ErrorDisk(kit.medium, kit.env(10), 0.5);
        SectorSplitDisk overFailing = new SectorSplitDisk(failing, kit.env(11));
        boolean sawFailure = false;
        for (int i = 0; i < 20 && !sawFailure; i++) {
            sawFailure = !kit.submit(overFailing, kit.write(0, DiskKit.data(i, 4))).outcome.ok();
        }
        assertTrue(sawFailure, "a failed sector must fail the whole I/O");
    }

    @Test
    void crashDropOnlyDropsIoOfDeadIncarnations() {
        DiskKit kit = new DiskKit();
        boolean[] alive = {true};
        CrashDropDisk disk = new CrashDropDisk(kit.medium, kit.env(12), (h, i) -> alive[0], 1.0);
        byte[] a = DiskKit.data(13, 1);
        assertTrue(kit.submit(disk, kit.write(3, a)).outcome.ok());
        alive[0] = false;
        DiskKit.Reply dropped = kit.submit(disk, kit.write(3, DiskKit.data(14, 1)));
        assertFalse(dropped.outcome.ok());
        assertArrayEquals(a, kit.sectors(3, 1));
        assertTrue(kit.faults.get(0) instanceof DiskFaultEvent.Dropped);
    }
}
