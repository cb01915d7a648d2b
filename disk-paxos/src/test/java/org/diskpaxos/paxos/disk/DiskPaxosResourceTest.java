package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.ManualLoop;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.junit.jupiter.api.Test;

/**
 * A resource's lease area on three scripted disks: instances decided one after another and recorded in the leader
 * on every disk; the newest leader wins when disks disagree; and an area that belongs to something else is refused
 * with the disk named and nothing written.
 */
class DiskPaxosResourceTest {

    private static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final int NUM_HOSTS = 8;
    private static final long AREA_ID = DblockStamp.areaId("ls", "res");

    private final ManualLoop loop = new ManualLoop();
    private final List<ScriptedDevice> devices = new ArrayList<>();

    DiskPaxosResourceTest() {
        byte[] area = AreaInit.resource("ls", "res", GEOMETRY, NUM_HOSTS);
        DblockStamp.stampBlankRecords(area, GEOMETRY, NUM_HOSTS, AREA_ID);
        for (int d = 0; d < 3; d++) {
            ScriptedDevice dev = new ScriptedDevice(loop, "disk" + d, area.length);
            System.arraycopy(area, 0, dev.image, 0, area.length);
            devices.add(dev);
        }
    }

    private DiskPaxosResource resource(int hostId, String lockspace) {
        List<DiskPaxosResource.Disk> disks = new ArrayList<>();
        for (ScriptedDevice d : devices) {
            disks.add(new DiskPaxosResource.Disk(d, 0, false));
        }
        return new DiskPaxosResource(loop, disks, AreaExpectation.resource(lockspace, "res", GEOMETRY), hostId,
                AREA_ID, new DiskPaxosResource.Options(10_000_000, 50_000_000, 1_000_000, true),
                RandomSource.seeded(hostId));
    }

    private DiskPaxosResource.Acquired acquire(DiskPaxosResource r, Inp value) {
        AtomicReference<DiskPaxosResource.Acquired> out = new AtomicReference<>();
        r.acquire(value, 1, 1000, out::set);
        loop.advance(1_000_000_000L);
        assertTrue(out.get() != null, "acquire did not finish");
        return out.get();
    }

    private LeaderRecord leaderOn(int disk) {
        return LeaderRecordDescriptor.decode(ByteBuffer.wrap(devices.get(disk).image), 0).value();
    }

    @Test
    void instancesAreDecidedInTurnAndRecordedInTheLeader() {
        var first = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                acquire(resource(1, "ls"), new Inp(1, 5, 111)));
        assertEquals(1, first.lver());
        assertEquals(new Inp(1, 5, 111), first.owner());
        var second = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                acquire(resource(2, "ls"), new Inp(2, 9, 222)));
        assertEquals(2, second.lver());
        for (int d = 0; d < 3; d++) {
            LeaderRecord l = leaderOn(d);
            assertEquals(2, l.lver());
            assertEquals(2, l.ownerId());
            assertEquals(9, l.ownerGeneration());
            assertEquals(222, l.timestamp());
            assertEquals(2, l.writeId());
        }
    }

    @Test
    void theNewestLeaderWinsWhenDisksDisagree() {
        acquire(resource(1, "ls"), new Inp(1, 1, 10));
        byte[] old = AreaInit.resource("ls", "res", GEOMETRY, NUM_HOSTS);
        System.arraycopy(old, 0, devices.get(2).image, 0, GEOMETRY.sectorSizeBytes()); // disk 2 missed the leader
        var next = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                acquire(resource(3, "ls"), new Inp(3, 1, 30)));
        assertEquals(2, next.lver(), "lver 1 is decided; the stale leader on disk 2 must not make us redo it");
    }

    @Test
    void anAreaOfAnotherLockspaceIsRefusedAndNothingIsWritten() {
        byte[] foreign = AreaInit.resource("other", "res", GEOMETRY, NUM_HOSTS);
        System.arraycopy(foreign, 0, devices.get(1).image, 0, GEOMETRY.sectorSizeBytes());
        var failed = assertInstanceOf(DiskPaxosResource.Acquired.Failed.class,
                acquire(resource(1, "ls"), new Inp(1, 1, 1)));
        assertTrue(failed.reason().contains("disk1 offset 0") && failed.reason().contains("'other'"),
                failed.reason());
        for (ScriptedDevice d : devices) {
            assertTrue(d.writeOffsets.isEmpty(), d.name() + " was written");
        }
    }

    @Test
    void aBlankDiskInAMinorityIsLeftOutAndNeverWritten() {
        java.util.Arrays.fill(devices.get(0).image, (byte) 0);
        assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(resource(1, "ls"), new Inp(1, 1, 1)));
        assertTrue(devices.get(0).writeOffsets.isEmpty(), "a disk whose area did not validate was written");
    }

    @Test
    void aBlankMajorityIsAnErrorThatSaysSo() {
        java.util.Arrays.fill(devices.get(0).image, (byte) 0);
        java.util.Arrays.fill(devices.get(1).image, (byte) 0);
        var failed = assertInstanceOf(DiskPaxosResource.Acquired.Failed.class,
                acquire(resource(1, "ls"), new Inp(1, 1, 1)));
        assertTrue(failed.reason().contains("disk0") && failed.reason().contains("never initialised"),
                failed.reason());
        for (ScriptedDevice d : devices) {
            assertTrue(d.writeOffsets.isEmpty(), d.name() + " was written");
        }
    }

    @Test
    void aBitFlipInTheVersionIsDamageNotAForeignArea() {
        devices.get(2).image[6] ^= 0x40; // version 0x00060004 -> 0x40060004: sanlock checks the version first
        assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(resource(1, "ls"), new Inp(1, 1, 1)));
    }

    @Test
    void aCorruptLeaderOnAMinorityIsSurvived() {
        devices.get(0).image[60] ^= 1;
        assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(resource(1, "ls"), new Inp(1, 1, 1)));
    }

    @Test
    void aLeaderWriteIsAnsweredOnceAMajorityWroteItAndAStalledDiskCatchesUpLater() {
        DiskPaxosResource r = resource(1, "ls");
        acquire(r, new Inp(1, 1, 1));
        AtomicReference<DiskPaxosResource.LeaderRead> read = new AtomicReference<>();
        r.readLeader(read::set);
        loop.advance(1_000_000L);
        LeaderRecord leader = assertInstanceOf(DiskPaxosResource.LeaderRead.Leader.class, read.get()).leader();
        ScriptedDevice stalled = devices.get(2);
        stalled.holdIf(h -> h.kind == org.diskpaxos.blockdev.async.IoResult.Kind.WRITE && h.offsetBytes == 0);
        AtomicReference<String> answer = new AtomicReference<>("no answer");
        r.writeLeader(leader.withTimestamp(777), answer::set);
        loop.advance(1_000_000L);
        assertEquals(null, answer.get(), "the answer waited for the stalled disk");
        assertEquals(1, stalled.held.size());
        assertEquals(777, leaderOn(0).timestamp());
        assertEquals(777, leaderOn(1).timestamp());
        stalled.release(stalled.held.get(0));
        loop.advance(1_000_000L);
        assertEquals(777, leaderOn(2).timestamp(), "the stalled disk's write was dropped, not queued");
    }

    @Test
    void aLeaderWriteThatCannotReachAMajorityFailsWithoutWaitingForTheLastDisk() {
        DiskPaxosResource r = resource(1, "ls");
        acquire(r, new Inp(1, 1, 1));
        AtomicReference<DiskPaxosResource.LeaderRead> read = new AtomicReference<>();
        r.readLeader(read::set);
        loop.advance(1_000_000L);
        LeaderRecord leader = assertInstanceOf(DiskPaxosResource.LeaderRead.Leader.class, read.get()).leader();
        for (ScriptedDevice d : devices) {
            d.holdIf(h -> h.kind == org.diskpaxos.blockdev.async.IoResult.Kind.WRITE);
        }
        AtomicReference<String> answer = new AtomicReference<>("no answer");
        r.writeLeader(leader.withTimestamp(778), answer::set);
        loop.advance(1_000_000L);
        assertEquals("no answer", answer.get());
        devices.get(1).timeOut(devices.get(1).held.get(0));
        devices.get(2).timeOut(devices.get(2).held.get(0));
        loop.advance(1_000_000L);
        assertTrue(answer.get() != null && answer.get().contains("reached only 0 of 3") && answer.get()
                .contains("disk1") && answer.get().contains("disk2"), answer.get());
        for (ScriptedDevice d : devices) {
            d.release(d.held.get(0));
        }
        loop.advance(1_000_000L);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The fast round: the last owner's incarnation decides the next version with phase 2 alone

    private Consensus.Decision<Inp> decide(DiskPaxosResource r, LeaderRecord leader, long lver, Inp value) {
        AtomicReference<Consensus.Decision<Inp>> out = new AtomicReference<>();
        r.decide(leader, lver, value, out::set);
        loop.advance(1_000_000_000L);
        assertTrue(out.get() != null, "the decision did not finish");
        return out.get();
    }

    /** Writes to host {@code hostId}'s sector (sector hostId + 1) over all disks so far. */
    private long ownSectorWrites(int hostId) {
        long offset = (long) (hostId + 1) * GEOMETRY.sectorSizeBytes();
        return devices.stream().mapToLong(d -> d.writeOffsets.stream().filter(o -> o == offset).count()).sum();
    }

    private static LeaderRecord decidedLeader(LeaderRecord leader, long lver, Inp owner) {
        return leader.withLver(lver).withOwner(owner.inp(), owner.inp2(), owner.inp3());
    }

    @Test
    void theLastOwnersIncarnationDecidesTheNextVersionInTheFastRound() {
        DiskPaxosResource r = resource(1, "ls");
        var first = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(r, new Inp(1, 5, 111)));
        long before = ownSectorWrites(1);
        var second = assertInstanceOf(Consensus.Decision.Decided.class,
                decide(r, first.leader(), 2, new Inp(1, 5, 112)));
        assertEquals(new Inp(1, 5, 112), second.value());
        assertEquals(Rank.ofHost(0, 1), second.rank(), "round 0: below every rank another proposer uses");
        assertEquals(1, second.attempts());
        assertEquals(3, ownSectorWrites(1) - before, "phase 2 only: one block write per disk");
        var third = assertInstanceOf(Consensus.Decision.Decided.class,
                decide(r, decidedLeader(first.leader(), 2, new Inp(1, 5, 112)), 3, new Inp(1, 5, 113)));
        assertEquals(Rank.ofHost(0, 1), third.rank(), "and again for the version after that");
    }

    @Test
    void anyoneElseRunsBothPhases() {
        DiskPaxosResource host1 = resource(1, "ls");
        var first = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(host1, new Inp(1, 5, 111)));
        // Another host: the leader names host 1.
        DiskPaxosResource host2 = resource(2, "ls");
        acquire(host2, new Inp(2, 1, 1)); // lver 2, so that host 2 knows its own block from memory
        LeaderRecord ownedBy1 = decidedLeader(first.leader(), 3, new Inp(1, 5, 300));
        long before = ownSectorWrites(2);
        var d = assertInstanceOf(Consensus.Decision.Decided.class, decide(host2, ownedBy1, 4, new Inp(2, 1, 2)));
        assertEquals(Rank.ofHost(1, 2), d.rank());
        assertEquals(6, ownSectorWrites(2) - before, "phase 1 and phase 2: two block writes per disk");
        // Host 1 again, but a later incarnation (generation 6) than the one the leader names.
        LeaderRecord ownedBy1Gen5 = decidedLeader(first.leader(), 4, new Inp(1, 5, 400));
        assertEquals(Rank.ofHost(1, 1), assertInstanceOf(Consensus.Decision.Decided.class,
                decide(host1, ownedBy1Gen5, 5, new Inp(1, 6, 500))).rank());
        // Host 1's incarnation 5 in a new process: it does not know its block from memory.
        LeaderRecord ownedBy1Gen6 = decidedLeader(first.leader(), 5, new Inp(1, 6, 500));
        assertEquals(Rank.ofHost(1, 1), assertInstanceOf(Consensus.Decision.Decided.class,
                decide(resource(1, "ls"), ownedBy1Gen6, 6, new Inp(1, 6, 600))).rank());
    }

    @Test
    void aFastRoundThatFailedIsNotRepeatedForTheSameVersion() {
        DiskPaxosResource r = resource(1, "ls");
        var first = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, acquire(r, new Inp(1, 5, 111)));
        long ownOffset = 2L * GEOMETRY.sectorSizeBytes();
        devices.get(1).failIf(h -> h.kind == org.diskpaxos.blockdev.async.IoResult.Kind.WRITE
                && h.offsetBytes == ownOffset);
        devices.get(2).failIf(h -> h.kind == org.diskpaxos.blockdev.async.IoResult.Kind.WRITE
                && h.offsetBytes == ownOffset);
        Inp tried = new Inp(1, 5, 112);
        assertInstanceOf(Consensus.Decision.Failed.class, decide(r, first.leader(), 2, tried));
        devices.get(1).failIf(h -> false);
        devices.get(2).failIf(h -> false);
        // The fast round's write reached disk 0: its value may have been chosen (with other disks' help it could
        // have been), so version 2 must not be written at round 0 again with another value.
        var again = assertInstanceOf(Consensus.Decision.Decided.class, decide(r, first.leader(), 2, new Inp(1, 5, 113)));
        assertTrue(again.rank().round() >= 1, "rank " + again.rank());
        assertEquals(tried, again.value(), "the value the failed round wrote is read back and decided");
    }
}
