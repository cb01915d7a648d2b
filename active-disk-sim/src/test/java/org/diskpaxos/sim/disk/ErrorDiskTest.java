package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An injected I/O error fails the request, transfers nothing, and is reported; other requests pass untouched. */
class ErrorDiskTest {

    @Test
    void failedRequestsTransferNothing() {
        DiskKit kit = new DiskKit();
        kit.fill(1);
        byte[] before = kit.medium.snapshot();
        ErrorDisk disk = new ErrorDisk(kit.medium, kit.env(1), 1.0);
        DiskRequest write = kit.write(3, DiskKit.data(2, 2));
        DiskRequest read = kit.read(3, 2);
        DiskKit.Reply w = kit.submit(disk, write);
        DiskKit.Reply r = kit.submit(disk, read);
        assertFalse(w.outcome.ok());
        assertFalse(r.outcome.ok());
        assertTrue(w.outcome.failure().contains("EIO"));
        assertArrayEquals(before, kit.medium.snapshot());
        assertArrayEquals(new byte[2 * DiskKit.SECTOR], DiskKit.bytes(read));
        assertEquals(2, kit.faults.size());
        assertTrue(write.isMarked(DiskFaultKind.ERROR));
    }

    @Test
    void exactlyTheReportedRequestsFail() {
        DiskKit kit = new DiskKit();
        ErrorDisk disk = new ErrorDisk(kit.medium, kit.env(7), 0.5);
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            int sector = i % DiskKit.SECTORS;
            byte[] data = DiskKit.data(i, 1);
            byte[] before = kit.sectors(sector, 1);
            int faultsBefore = kit.faults.size();
            DiskKit.Reply reply = kit.submit(disk, kit.write(sector, data));
            boolean reported = kit.faults.size() == faultsBefore + 1;
            assertEquals(reported, !reply.outcome.ok());
            assertArrayEquals(reply.outcome.ok() ? data : before, kit.sectors(sector, 1));
            failed += reply.outcome.ok() ? 0 : 1;
        }
        assertTrue(failed > 50 && failed < 150, "failed " + failed + " of 200 at p = 0.5");
    }
}
