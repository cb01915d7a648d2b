package org.diskpaxos.sim.workload;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.diskpaxos.sim.disk.DiskFaultEvent;
import org.diskpaxos.sim.disk.DiskRequest;
import org.junit.jupiter.api.Test;

/**
 * The oracle's rules, one history at a time: it accepts what a regular per-sector register under the injected
 * faults may return, and flags zeros after a completed write, stale and never-written values, the content of a
 * failed or misdirected write where it never landed, and corruption no fault explains.
 */
class SectorOracleTest {
    private static final int SECTOR = 512;

    private final SectorOracle plain = new SectorOracle(1, 16, SECTOR, new boolean[] {false}, (h, i) -> true);
    private final SectorOracle cached = new SectorOracle(1, 16, SECTOR, new boolean[] {true}, (h, i) -> true);

    /** Submits and completes a write of one sector; returns its id. */
    private static long write(SectorOracle o, long sector, boolean ok) {
        long id = o.nextId();
        o.writeSubmitted(id, 0, sector, 1);
        o.writeFinished(id, ok);
        return id;
    }

    private static ByteBuffer content(SectorOracle o, long writeId, long stampSector) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR);
        o.encode(b, 0, writeId, stampSector, 1);
        return b;
    }

    /** A read of {@code sector} submitted now that returns {@code data}. */
    private static String read(SectorOracle o, long sector, ByteBuffer data) {
        long id = o.nextId();
        o.readSubmitted(id, 0, 1, 0, sector, 1);
        o.readFinished(id, 0, true, data);
        return o.violation();
    }

    private static DiskRequest request(long ioId, long sector, DiskRequest.Kind kind) {
        return new DiskRequest(ioId, 0, 0, 1, ioId, kind, sector * SECTOR, SECTOR, ByteBuffer.allocate(SECTOR));
    }

    @Test
    void latestWriteAndInitialZerosAreAccepted() {
        assertNull(read(plain, 3, ByteBuffer.allocate(SECTOR)));
        long w = write(plain, 3, true);
        assertNull(read(plain, 3, content(plain, w, 3)));
    }

    @Test
    void zerosAfterACompletedWriteAreFlagged() {
        write(plain, 3, true);
        assertTrue(read(plain, 3, ByteBuffer.allocate(SECTOR)).contains("returned zeros"));
    }

    @Test
    void staleValueIsFlaggedButAConcurrentOneIsNot() {
        long w1 = write(plain, 4, true);
        long w2 = plain.nextId();
        plain.writeSubmitted(w2, 0, 4, 1); // in flight while the read runs: either value is fine
        assertNull(read(plain, 4, content(plain, w1, 4)));
        assertNull(read(plain, 4, content(plain, w2, 4)));
        plain.writeFinished(w2, true);
        assertTrue(read(plain, 4, content(plain, w1, 4)).contains("stale write " + w1));
    }

    @Test
    void aValueNeverWrittenHereIsFlagged() {
        long w = write(plain, 5, true);
        assertTrue(read(plain, 6, content(plain, w, 5)).contains("never directed at this sector"));
    }

    @Test
    void failedWritesNeverLandWhereTheyWereAddressed() {
        long id = plain.nextId();
        plain.writeSubmitted(id, 0, 7, 1);
        plain.onFault(new DiskFaultEvent.Failed(0, request(id, 7, DiskRequest.Kind.WRITE)));
        plain.writeFinished(id, false);
        assertTrue(read(plain, 7, content(plain, id, 7)).contains("failed, tore, dropped or misdirected"));
    }

    @Test
    void misdirectedWriteIsLegalWhereItLandedOnly() {
        long id = plain.nextId();
        plain.writeSubmitted(id, 0, 2, 1);
        plain.onFault(new DiskFaultEvent.Misdirected(0, request(id, 2, DiskRequest.Kind.WRITE), 9L * SECTOR));
        plain.writeFinished(id, true);
        assertNull(read(plain, 9, content(plain, id, 2)));
        assertNull(read(plain, 2, ByteBuffer.allocate(SECTOR)));
        assertTrue(read(plain, 2, content(plain, id, 2)).contains("misdirected"));
    }

    @Test
    void corruptionNeedsAnInjectedFault() {
        long w = write(plain, 1, true);
        ByteBuffer flipped = content(plain, w, 1);
        flipped.put(100, (byte) (flipped.get(100) ^ 4));
        assertTrue(read(plain, 1, flipped).contains("corrupt sector"));

        long id = cached.nextId();
        cached.writeSubmitted(id, 0, 1, 1);
        cached.onFault(new DiskFaultEvent.BitFlipped(0, request(id, 1, DiskRequest.Kind.WRITE), 1, 800));
        cached.writeFinished(id, true);
        ByteBuffer bad = content(cached, id, 1);
        bad.put(100, (byte) (bad.get(100) ^ 1));
        assertNull(read(cached, 1, bad));
    }

    @Test
    void powerLossMayRevertUnsyncedWritesOnly() {
        write(cached, 8, true);
        cached.onFault(new DiskFaultEvent.PowerLoss(0, List.of(new DiskFaultEvent.SectorFate(8,
                DiskFaultEvent.Fate.LOST))));
        assertNull(read(cached, 8, ByteBuffer.allocate(SECTOR)));

        SectorOracle synced = new SectorOracle(1, 16, SECTOR, new boolean[] {true}, (h, i) -> true);
        write(synced, 8, true);
        long sync = synced.nextId();
        synced.syncSubmitted(sync, 0);
        synced.syncFinished(sync, true);
        synced.onFault(new DiskFaultEvent.PowerLoss(0, List.of()));
        assertNotNull(read(synced, 8, ByteBuffer.allocate(SECTOR)));
    }
}
