package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.ManualLoop;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.junit.jupiter.api.Test;

/**
 * The Disk Paxos driver over scripted disks: sanlock-format blocks on disk, a committed write seen by a later read,
 * and one scenario per fault the simulator found — a late write of an earlier instance must not roll a sector back,
 * a misdirected read must not pass as a blank block, and a lost write must not count towards a majority.
 */
class DiskRankedRegisterTest {

    private static final int SECTOR = 512;
    private static final int MAX_HOSTS = 16;
    private static final int NUM_HOSTS = 4;
    private static final long AREA_ID = DblockStamp.areaId("ls", "res");
    private static final long IO_TIMEOUT_NS = 10_000_000L;
    private static final long DEADLINE_NS = 50_000_000L;

    private final ManualLoop loop = new ManualLoop();
    private final List<ScriptedDevice> disks = new ArrayList<>();

    DiskRankedRegisterTest() {
        for (int d = 0; d < 3; d++) {
            ScriptedDevice dev = new ScriptedDevice(loop, "disk" + d, 64 * SECTOR);
            for (int h = 1; h <= NUM_HOSTS; h++) {
                System.arraycopy(DblockStamp.stampedBlankSector(SECTOR, h, AREA_ID), 0, dev.image, (h + 1) * SECTOR,
                        SECTOR);
            }
            disks.add(dev);
        }
    }

    private List<DiskRankedRegister.Replica> replicas() {
        List<DiskRankedRegister.Replica> r = new ArrayList<>();
        for (ScriptedDevice d : disks) {
            r.add(new DiskRankedRegister.Replica(d, 0, false));
        }
        return r;
    }

    private DiskRankedRegister register(List<DiskRankedRegister.Replica> replicas, int hostId, long lver) {
        return new DiskRankedRegister(loop, replicas, new DiskRankedRegister.Config(SECTOR, MAX_HOSTS, NUM_HOSTS,
                hostId, lver, IO_TIMEOUT_NS, DEADLINE_NS, ModeBlock.NONE, AREA_ID, true));
    }

    private <T> T await(AtomicReference<T> result) {
        loop.advance(DEADLINE_NS * 2);
        assertTrue(result.get() != null, "operation did not complete");
        return result.get();
    }

    private RankedRegister.ReadOutcome<Inp> read(DiskRankedRegister r, Rank rank) {
        AtomicReference<RankedRegister.ReadOutcome<Inp>> out = new AtomicReference<>();
        r.rrRead(rank, out::set);
        return await(out);
    }

    private RankedRegister.Outcome write(DiskRankedRegister r, Rank rank, Inp value) {
        AtomicReference<RankedRegister.Outcome> out = new AtomicReference<>();
        r.rrWrite(rank, value, out::set);
        return await(out);
    }

    private static Dblock onDisk(ScriptedDevice d, int hostId) {
        return DblockDescriptor.decode(ByteBuffer.wrap(d.image), (hostId + 1) * SECTOR).value();
    }

    @Test
    void aCommittedWriteIsOnDiskInSanlockFormatAndSeenByAHigherRead() {
        DiskRankedRegister p1 = register(replicas(), 1, 7);
        Inp v = new Inp(1, 3, 99);
        RankedRegister.ReadOutcome<Inp> r = read(p1, Rank.ofHost(1, 1));
        assertEquals(new RankedRegister.ReadValue<Inp>(Rank.ZERO, null), r);
        assertInstanceOf(RankedRegister.Outcome.Committed.class, write(p1, Rank.ofHost(1, 1), v));
        long ballot = Rank.ofHost(1, 1).toBallot(MAX_HOSTS);
        for (ScriptedDevice d : disks) {
            assertEquals(new Dblock(ballot, ballot, 1, 3, 99, 7, 0), onDisk(d, 1));
        }
        DiskRankedRegister p2 = register(replicas(), 2, 7);
        assertEquals(new RankedRegister.ReadValue<>(Rank.ofHost(1, 1), v), read(p2, Rank.ofHost(2, 2)));
    }

    @Test
    void aTimedOutWriteOfAnEarlierInstanceHoldsBackTheNextInstancesWriteUntilItCompletes() {
        List<DiskRankedRegister.Replica> replicas = replicas();
        ScriptedDevice d0 = disks.get(0);
        d0.holdIf(h -> h.kind == IoResult.Kind.WRITE);
        DiskRankedRegister lver5 = register(replicas, 1, 5);
        AtomicReference<RankedRegister.ReadOutcome<Inp>> first = new AtomicReference<>();
        lver5.rrRead(Rank.ofHost(1, 1), first::set);
        loop.runReady();
        assertEquals(1, d0.held.size(), "the instance-5 write to disk 0 should be held");
        ScriptedDevice.Held stale = d0.held.get(0);
        d0.timeOut(stale);
        loop.advance(DEADLINE_NS * 2);
        assertInstanceOf(RankedRegister.ReadValue.class, first.get(), "disks 1 and 2 are a majority");

        d0.holdIf(h -> false);
        DiskRankedRegister lver6 = register(replicas, 1, 6);
        AtomicReference<RankedRegister.ReadOutcome<Inp>> second = new AtomicReference<>();
        lver6.rrRead(Rank.ofHost(1, 1), second::set);
        loop.advance(DEADLINE_NS * 2);
        assertEquals(1, d0.writeOffsets.size(), "instance 6 wrote disk 0 while instance 5's write was in flight");

        d0.release(stale);
        loop.advance(DEADLINE_NS * 2);
        assertEquals(2, d0.writeOffsets.size(), "instance 6's write should go out after the late completion");
        assertEquals(6, onDisk(d0, 1).lver(), "the sector must hold the later instance's block, not the late one");
    }

    @Test
    void aReadMisdirectedToANeverWrittenSectorDoesNotPassAsBlankBlocks() {
        disks.get(0).misdirectReads(32 * SECTOR);
        disks.get(1).holdIf(h -> true);
        RankedRegister.ReadOutcome<Inp> r = read(register(replicas(), 1, 1), Rank.ofHost(1, 1));
        RankedRegister.ReadUnavailable<Inp> u = assertInstanceOf(RankedRegister.ReadUnavailable.class, r);
        assertTrue(u.reason().contains("no identification stamp"), u.reason());
    }

    @Test
    void aBlockReadFromAnotherHostsSectorIsRecognised() {
        disks.get(0).misdirectReads(SECTOR);
        disks.get(1).holdIf(h -> true);
        RankedRegister.ReadOutcome<Inp> r = read(register(replicas(), 1, 1), Rank.ofHost(1, 1));
        RankedRegister.ReadUnavailable<Inp> u = assertInstanceOf(RankedRegister.ReadUnavailable.class, r);
        assertTrue(u.reason().contains("belongs to another host"), u.reason());
    }

    @Test
    void aLostWriteDoesNotCountTowardsAMajority() {
        disks.get(0).dropWrites(true);
        disks.get(1).holdIf(h -> true);
        RankedRegister.ReadOutcome<Inp> r = read(register(replicas(), 1, 1), Rank.ofHost(1, 1));
        RankedRegister.ReadUnavailable<Inp> u = assertInstanceOf(RankedRegister.ReadUnavailable.class, r);
        assertTrue(u.reason().contains("own block reads back"), u.reason());
    }

    @Test
    void aCorruptBlockFailsTheDiskAndNamesItsOffset() {
        disks.get(0).image[3 * SECTOR + 5] ^= 0x10; // host 2's dblock on disk 0
        disks.get(1).holdIf(h -> true);
        RankedRegister.ReadOutcome<Inp> r = read(register(replicas(), 1, 1), Rank.ofHost(1, 1));
        RankedRegister.ReadUnavailable<Inp> u = assertInstanceOf(RankedRegister.ReadUnavailable.class, r);
        assertTrue(u.reason().contains("disk0 offset " + 3 * SECTOR + " (host 2's dblock)"), u.reason());
    }

    @Test
    void aMinorityOfSilentDisksIsSurvivedAndAMajorityGivesAnErrorNotAHang() {
        disks.get(2).holdIf(h -> true);
        DiskRankedRegister p = register(replicas(), 1, 1);
        assertInstanceOf(RankedRegister.ReadValue.class, read(p, Rank.ofHost(1, 1)));
        disks.get(1).holdIf(h -> true);
        RankedRegister.Outcome w = write(p, Rank.ofHost(1, 1), new Inp(1, 1, 1));
        assertInstanceOf(RankedRegister.Outcome.Unavailable.class, w);
    }

    @Test
    void successiveInstancesReuseTheAreasBuffersButNeverOneATimedOutReadStillOwns() {
        List<DiskRankedRegister.Replica> replicas = replicas();
        ScriptedDevice d0 = disks.get(0);
        for (long lver = 1; lver <= 20; lver++) {
            DiskRankedRegister r = register(replicas, 1, lver);
            assertInstanceOf(RankedRegister.ReadValue.class, read(r, Rank.ofHost(1, 1)));
            assertInstanceOf(RankedRegister.Outcome.Committed.class, write(r, Rank.ofHost(1, 1), new Inp(1, 1, lver)));
        }
        assertEquals(2, replicas.get(0).buffers().allocated(), "one write and one read buffer for 20 instances");

        d0.holdIf(h -> h.kind == IoResult.Kind.READ);
        AtomicReference<RankedRegister.ReadOutcome<Inp>> first = new AtomicReference<>();
        register(replicas, 1, 21).rrRead(Rank.ofHost(1, 1), first::set);
        loop.runReady();
        ScriptedDevice.Held stuck = d0.held.get(0);
        d0.timeOut(stuck);
        loop.advance(DEADLINE_NS * 2);
        assertInstanceOf(RankedRegister.ReadValue.class, first.get(), "disks 1 and 2 are a majority");

        List<org.diskpaxos.blockdev.async.IoBuffer> usedWhileStuck = new ArrayList<>();
        d0.holdIf(h -> {
            usedWhileStuck.add(h.buffer);
            return false;
        });
        assertInstanceOf(RankedRegister.ReadValue.class, read(register(replicas, 1, 22), Rank.ofHost(1, 1)));
        assertTrue(!usedWhileStuck.isEmpty() && !usedWhileStuck.contains(stuck.buffer),
                "a buffer the disk may still be reading into was handed to another read");

        d0.release(stuck);
        loop.runReady();
        List<org.diskpaxos.blockdev.async.IoBuffer> usedAfter = new ArrayList<>();
        d0.holdIf(h -> {
            usedAfter.add(h.buffer);
            return false;
        });
        assertInstanceOf(RankedRegister.ReadValue.class, read(register(replicas, 1, 23), Rank.ofHost(1, 1)));
        assertTrue(usedAfter.contains(stuck.buffer), "after its late completion the buffer is back in the pool");
    }
}
