package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.host.HostClock;
import org.diskpaxos.sim.host.SimHost;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * A host's view of a simulated disk keeps the AsyncBlockDevice contract: results on the host's loop and never
 * inside the submitting call, one on-time result, TIMED_OUT (on the host's clock) then exactly one late result,
 * the buffer claimed until the device is really done, bad requests refused before anything happens, and a crash
 * dropping undelivered results while the disk still finishes the I/O.
 */
class SimDiskPortTest {
    private static final int SECTOR = 512;
    private static final long LATENCY_NS = 100_000;

    /** A host, a disk and the host's view of it. */
    private static final class Rig {
        final Scheduler scheduler = new Scheduler(new EventTrace());
        final SimHost host = new SimHost(0, scheduler, new HostClock(0, 1_000_000));
        final SimDisk disk;
        final AsyncBlockDevice device;
        final List<IoResult> results = new ArrayList<>();

        Rig(DiskFaults faults) {
            disk = new SimDisk(0, new DiskGeometry(SECTOR, 128), faults, scheduler, new Prng(1),
                    DiskFaultListener.NONE, (h, i) -> host.isAlive(i));
            host.start();
            device = disk.viewFor(host);
        }

        void runAll() {
            while (scheduler.runNext(Long.MAX_VALUE)) {
                assertTrue(scheduler.executedCount() < 1_000_000);
            }
        }
    }

    private final Rig rig = new Rig(DiskFaults.none(LatencyModel.fixed(LATENCY_NS)));
    private final Scheduler scheduler = rig.scheduler;
    private final SimHost host = rig.host;
    private final SimDisk disk = rig.disk;
    private final AsyncBlockDevice device = rig.device;
    private final List<IoResult> results = rig.results;

    private static IoBuffer buffer(int sectors, int fill) {
        ByteBuffer b = ByteBuffer.allocate(sectors * SECTOR);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) fill);
        }
        return new IoBuffer(b);
    }

    private void runAll() {
        rig.runAll();
    }

    private void runUntil(long ns) {
        while (scheduler.runNext(ns)) {
            continue;
        }
        scheduler.advanceTo(ns);
    }

    @Test
    void resultsArriveOnTheLoopAfterTheSubmitCallOnce() {
        IoBuffer b = buffer(2, 7);
        device.write(1, 0, b, 2 * SECTOR, 0, results::add);
        assertTrue(results.isEmpty(), "delivered inside submit");
        assertTrue(b.inFlight());
        runAll();
        assertEquals(1, results.size());
        IoResult r = results.get(0);
        assertEquals(1, r.ioId());
        assertEquals(IoResult.Kind.WRITE, r.kind());
        assertTrue(r.ok());
        assertFalse(r.late());
        assertFalse(b.inFlight());
        assertEquals(2 * LATENCY_NS, scheduler.nowNs());
        IoBuffer back = buffer(2, 0);
        device.read(2, 0, back, 2 * SECTOR, 0, results::add);
        device.sync(3, 0, results::add);
        runAll();
        assertEquals(3, results.size());
        assertArrayEquals(b.bytes().array(), back.bytes().array());
        assertEquals(IoResult.Kind.SYNC, results.get(2).kind());
    }

    @Test
    void badRequestsThrowAndDoNothing() {
        IoBuffer b = buffer(1, 1);
        assertThrows(IllegalArgumentException.class, () -> device.write(1, 100, b, SECTOR, 0, results::add));
        assertThrows(IllegalArgumentException.class, () -> device.write(1, 0, b, 100, 0, results::add));
        assertThrows(IllegalArgumentException.class, () -> device.write(1, 0, b, 0, 0, results::add));
        assertThrows(IllegalArgumentException.class, () -> device.write(1, 128L * SECTOR, b, SECTOR, 0, results::add));
        assertThrows(IllegalArgumentException.class, () -> device.read(1, 0, b, 2 * SECTOR, 0, results::add));
        assertFalse(b.inFlight());
        device.write(1, 0, b, SECTOR, 0, results::add);
        assertThrows(IllegalStateException.class, () -> device.write(2, SECTOR, b, SECTOR, 0, results::add));
        runAll();
        assertEquals(1, results.size());
        assertEquals(1, disk.medium().appliedCount());
        device.close();
        assertThrows(IllegalStateException.class, () -> device.sync(3, 0, results::add));
    }

    @Test
    void timeoutOnTheHostClockThenExactlyOneLateResultAndTheBufferStaysClaimed() {
        host.setDriftPpm(100_000); // the host clock runs 10% fast: its 1 ms timeout fires after ~909 us
        disk.stopAnswering();
        IoBuffer b = buffer(1, 3);
        device.write(7, 0, b, SECTOR, 1_000_000, results::add);
        runUntil(50_000_000);
        assertEquals(1, results.size());
        IoResult timedOut = results.get(0);
        assertEquals(IoResult.Status.TIMED_OUT, timedOut.status());
        assertFalse(timedOut.late());
        assertTrue(b.inFlight(), "buffer freed before the late result");
        disk.resumeAnswering();
        runAll();
        assertEquals(2, results.size());
        IoResult late = results.get(1);
        assertTrue(late.late());
        assertTrue(late.ok());
        assertEquals(7, late.ioId());
        assertFalse(b.inFlight());
        assertTrue(scheduler.nowNs() > 50_000_000, "the late write landed late");
        assertEquals(3, disk.medium().sector(0)[0]);
    }

    @Test
    void aResultBeforeTheTimeoutCancelsIt() {
        IoBuffer b = buffer(1, 3);
        device.write(1, 0, b, SECTOR, 10_000_000, results::add);
        runAll();
        assertEquals(1, results.size());
        assertTrue(results.get(0).ok());
        assertEquals(0, host.loop().queuedCount());
    }

    @Test
    void failuresCarryAnErrorNamingTheDeviceAndOffset() {
        Rig failing = new Rig(DiskFaults.none(LatencyModel.fixed(1_000)).withErrors(1.0));
        failing.device.write(1, 3L * SECTOR, buffer(1, 1), SECTOR, 0, failing.results::add);
        failing.runAll();
        IoResult r = failing.results.get(0);
        assertEquals(IoResult.Status.FAILED, r.status());
        assertTrue(r.error().getMessage().contains("sim-disk-0@host-0"), r.error().getMessage());
        assertTrue(r.error().getMessage().contains("offset 1536"), r.error().getMessage());
    }

    @Test
    void crashDropsUndeliveredResultsButTheWriteStillLands() {
        IoBuffer b = buffer(1, 9);
        device.write(1, 0, b, SECTOR, 1_000_000, results::add);
        runUntil(LATENCY_NS / 2);
        host.crash();
        runAll();
        assertTrue(results.isEmpty(), "a dead incarnation got a callback");
        assertEquals(9, disk.medium().sector(0)[0]);
        assertFalse(b.inFlight());
    }

    @Test
    void tooManyInFlightFailsTheSubmissionAsAResult() {
        disk.stopAnswering();
        for (int i = 0; i < SimDiskPort.IN_FLIGHT_MAX; i++) {
            device.sync(i, 0, results::add);
        }
        device.sync(-1, 0, results::add);
        runUntil(1_000_000);
        assertEquals(1, results.size());
        assertEquals(-1, results.get(0).ioId());
        assertTrue(results.get(0).error().getMessage().contains("queue full"));
    }
}
