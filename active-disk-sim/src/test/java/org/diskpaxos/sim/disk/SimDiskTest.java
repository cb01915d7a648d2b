package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * One simulated disk shared by hosts: cutting a host off affects that host only, a disk that stops answering
 * affects all, healing stops transient faults, and a power loss without a write cache loses nothing.
 */
class SimDiskTest {
    private final Scheduler scheduler = new Scheduler(new EventTrace());
    private final SimHost a = new SimHost(0, scheduler, new HostClock(0, 0));
    private final SimHost b = new SimHost(1, scheduler, new HostClock(0, 0));
    private final List<String> results = new ArrayList<>();

    private SimDisk disk(DiskFaults faults) {
        SimDisk d = new SimDisk(0, new DiskGeometry(512, 16), faults, scheduler, new Prng(5), DiskFaultListener.NONE,
                (h, i) -> true);
        a.start();
        b.start();
        return d;
    }

    private void write(AsyncBlockDevice device, String who) {
        device.write(1, 0, new IoBuffer(ByteBuffer.allocate(512)), 512, 0,
                r -> results.add(who + (r.ok() ? " ok" : " failed")));
    }

    private void runUntil(long ns) {
        while (scheduler.runNext(ns)) {
            continue;
        }
        scheduler.advanceTo(ns);
    }

    @Test
    void cutOffHoldsOnlyThatHostsIo() {
        SimDisk disk = disk(DiskFaults.none(LatencyModel.fixed(1_000)));
        disk.cutOff(0);
        write(disk.viewFor(a), "a");
        write(disk.viewFor(b), "b");
        runUntil(1_000_000);
        assertEquals(List.of("b ok"), results);
        assertTrue(disk.isCutOff(0));
        disk.reconnect(0);
        runUntil(2_000_000);
        assertEquals(List.of("b ok", "a ok"), results);
    }

    @Test
    void stoppedDiskHoldsEveryHost() {
        SimDisk disk = disk(DiskFaults.none(LatencyModel.fixed(1_000)));
        disk.stopAnswering();
        write(disk.viewFor(a), "a");
        write(disk.viewFor(b), "b");
        runUntil(1_000_000);
        assertTrue(results.isEmpty());
        disk.resumeAnswering();
        runUntil(2_000_000);
        assertEquals(2, results.size());
    }

    @Test
    void healStopsTransientFaults() {
        SimDisk disk = disk(DiskFaults.none(LatencyModel.fixed(1_000)).withErrors(1.0));
        AsyncBlockDevice view = disk.viewFor(a);
        write(view, "before");
        runUntil(1_000_000);
        disk.healTransientFaults();
        write(view, "after");
        runUntil(2_000_000);
        assertEquals(List.of("before failed", "after ok"), results);
    }

    @Test
    void powerLossWithoutWriteCacheLosesNothing() {
        SimDisk disk = disk(DiskFaults.none(LatencyModel.fixed(1_000)));
        AsyncBlockDevice view = disk.viewFor(a);
        ByteBuffer data = ByteBuffer.allocate(512);
        data.put(0, (byte) 42);
        List<IoResult> done = new ArrayList<>();
        view.write(1, 512, new IoBuffer(data), 512, 0, done::add);
        runUntil(1_000_000);
        disk.powerLoss(PowerLossMode.DROP_ALL);
        assertFalse(disk.hasWriteCache());
        assertEquals(42, disk.medium().sector(1)[0]);
        assertTrue(done.get(0).ok());
    }
}
