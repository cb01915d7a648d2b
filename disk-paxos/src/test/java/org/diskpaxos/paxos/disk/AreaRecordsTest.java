package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.ManualLoop;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.ModeBlockDescriptor;
import org.diskpaxos.paxos.ondisk.RequestRecord;
import org.diskpaxos.paxos.ondisk.RequestRecordDescriptor;
import org.junit.jupiter.api.Test;

/**
 * A resource's records beside the ballot, on three scripted disks: this host's sector rewritten with the RELEASED
 * flag and a mode block without touching its dblock values (and only for the version it holds), ballots that keep the
 * mode block, a rewrite repeated on a disk that missed it, other hosts' SHARED blocks seen by a ballot and cleared,
 * the lock value block and the request record with majority reads that report damage by disk and offset, and no
 * write ever reaching a disk whose area did not validate.
 */
class AreaRecordsTest {

    private static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final int NUM_HOSTS = 8;
    private static final int SECTOR = 512;
    private static final long AREA_ID = DblockStamp.areaId("ls", "res");
    private static final long IO_TIMEOUT_NS = 10_000_000;

    private final ManualLoop loop = new ManualLoop();
    private final List<ScriptedDevice> devices = new ArrayList<>();

    AreaRecordsTest() {
        byte[] area = AreaInit.resource("ls", "res", GEOMETRY, NUM_HOSTS);
        DblockStamp.stampBlankRecords(area, GEOMETRY, NUM_HOSTS, AREA_ID);
        for (int d = 0; d < 3; d++) {
            ScriptedDevice dev = new ScriptedDevice(loop, "disk" + d, area.length);
            System.arraycopy(area, 0, dev.image, 0, area.length);
            devices.add(dev);
        }
    }

    private DiskPaxosResource resource(int hostId) {
        List<DiskPaxosResource.Disk> disks = new ArrayList<>();
        for (ScriptedDevice d : devices) {
            disks.add(new DiskPaxosResource.Disk(d, 0, false));
        }
        return new DiskPaxosResource(loop, disks, AreaExpectation.resource("ls", "res", GEOMETRY), hostId, AREA_ID,
                new DiskPaxosResource.Options(IO_TIMEOUT_NS, 5 * IO_TIMEOUT_NS, 1_000_000, true),
                RandomSource.seeded(hostId));
    }

    private <T> T run(java.util.function.Consumer<java.util.function.Consumer<T>> op) {
        return run(op, 1_000_000_000L);
    }

    /** Starts {@code op}, lets {@code advanceNs} of loop time pass, and returns what it reported. */
    private <T> T run(java.util.function.Consumer<java.util.function.Consumer<T>> op, long advanceNs) {
        AtomicReference<T> out = new AtomicReference<>();
        boolean[] done = {false};
        op.accept(v -> {
            out.set(v);
            done[0] = true;
        });
        loop.advance(advanceNs);
        assertTrue(done[0], "the operation did not finish");
        return out.get();
    }

    private LeaderRecord readLeader(DiskPaxosResource r) {
        DiskPaxosResource.LeaderRead read = run(c -> r.readLeader(c::accept));
        return assertInstanceOf(DiskPaxosResource.LeaderRead.Leader.class, read).leader();
    }

    /** Reads the leader and decides instance lver + 1 with the host's value; returns the ballot. */
    private DiskPaxosResource.Ballot decideNext(DiskPaxosResource r, int hostId) {
        LeaderRecord leader = readLeader(r);
        Inp mine = new Inp(hostId, 1, 100 + hostId);
        DiskPaxosResource.Ballot ballot = run(c -> r.decideObserving(leader, leader.lver() + 1, mine, c::accept));
        assertInstanceOf(Consensus.Decision.Decided.class, ballot.decision());
        LeaderRecord next = leader.withLver(leader.lver() + 1).withOwner(hostId, 1, 100 + hostId);
        assertNull(run(c -> r.writeLeader(next, c::accept)));
        return ballot;
    }

    private ByteBuffer sectorOf(int disk, long hostId) {
        return ByteBuffer.wrap(devices.get(disk).image, GEOMETRY.resourceDblockOffsetBytes(hostId), SECTOR).slice();
    }

    private void writeHostSector(int disk, long hostId, Dblock dblock, ModeBlock mode) {
        byte[] sector = DblockDescriptor.encodeSector(dblock, mode, SECTOR);
        DblockStamp.stamp(ByteBuffer.wrap(sector), 0, hostId, AREA_ID);
        System.arraycopy(sector, 0, devices.get(disk).image, GEOMETRY.resourceDblockOffsetBytes(hostId), SECTOR);
    }

    @Test
    void theRewriteKeepsTheDblockValuesAndSetsTheFlagAndModeBlock() {
        DiskPaxosResource r = resource(1);
        decideNext(r, 1);
        Dblock before = DblockDescriptor.decode(sectorOf(0, 1), 0).value();
        assertNull(run(c -> r.writeOwnSector(1, true, ModeBlock.shared(7), c::accept)));
        for (int d = 0; d < 3; d++) {
            ByteBuffer s = sectorOf(d, 1);
            Dblock after = DblockDescriptor.decode(s, 0).value();
            assertEquals(before.withFlags(DblockDescriptor.DBLOCK_FL_RELEASED), after, "disk " + d);
            assertTrue(after.isReleased());
            assertEquals(ModeBlock.shared(7), ModeBlockDescriptor.decode(s, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR)
                    .value());
            assertEquals(DblockStamp.Check.MATCHES, DblockStamp.check(s, 0, 1, AREA_ID), "the stamp covers the flags");
        }
        assertEquals(ModeBlock.shared(7), r.ownModeBlock());
    }

    @Test
    void aLaterBallotKeepsTheModeBlockAndClearsReleased() {
        DiskPaxosResource r = resource(1);
        decideNext(r, 1);
        assertNull(run(c -> r.writeOwnSector(1, true, ModeBlock.shared(7), c::accept)));
        decideNext(r, 1);
        for (int d = 0; d < 3; d++) {
            ByteBuffer s = sectorOf(d, 1);
            Dblock after = DblockDescriptor.decode(s, 0).value();
            assertEquals(2, after.lver());
            assertFalse(after.isReleased(), "a ballot write clears RELEASED");
            assertTrue(ModeBlockDescriptor.isShared(s, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR),
                    "a ballot must not clear this host's shared hold");
        }
    }

    @Test
    void theRewriteRefusesBeforeAnyBallotAndForAnotherVersionWritingNothing() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        String none = run(c -> r.writeOwnSector(1, true, ModeBlock.NONE, c::accept));
        assertTrue(none != null && none.contains("no block"), none);
        decideNext(r, 1);
        int writes = devices.get(0).writeOffsets.size();
        String other = run(c -> r.writeOwnSector(5, true, ModeBlock.NONE, c::accept));
        assertTrue(other != null && other.contains("version 1, not 5"), other);
        assertEquals(writes, devices.get(0).writeOffsets.size(), "nothing may be written");
    }

    @Test
    void aDiskThatMissedTheRewriteGetsItLater() {
        DiskPaxosResource r = resource(1);
        decideNext(r, 1);
        long ownSector = GEOMETRY.resourceDblockOffsetBytes(1);
        devices.get(2).failIf(h -> h.kind == IoResult.Kind.WRITE && h.offsetBytes == ownSector);
        assertNull(run(c -> r.writeOwnSector(1, true, ModeBlock.NONE, c::accept), 0), "two of three disks suffice");
        assertFalse(DblockDescriptor.decode(sectorOf(2, 1), 0).value().isReleased());
        devices.get(2).failIf(h -> false);
        loop.advance(3 * IO_TIMEOUT_NS);
        assertTrue(DblockDescriptor.decode(sectorOf(2, 1), 0).value().isReleased(), "the repair rewrote disk 2");
    }

    @Test
    void aBallotReportsAnotherHostsSharedBlockAndItCanBeClearedAlone() {
        for (int d = 0; d < 3; d++) {
            writeHostSector(d, 3, Dblock.phase2(3, 1, 3, 5, 33).withFlags(DblockDescriptor.DBLOCK_FL_RELEASED),
                    ModeBlock.shared(5));
        }
        // host 3 holds lease version 1 shared; the leader says version 1 is free
        for (ScriptedDevice dev : devices) {
            LeaderRecord free = LeaderRecord.paxosInit("ls", "res", GEOMETRY, NUM_HOSTS).withLver(1).withOwner(3, 5, 0);
            System.arraycopy(LeaderRecordDescriptor.encodeSector(free, SECTOR), 0, dev.image, 0, SECTOR);
        }
        DiskPaxosResource r = resource(1);
        DiskPaxosResource.Ballot ballot = decideNext(r, 1);
        assertTrue(ballot.sharedBlocksSeen().size() >= 2, "seen on a majority: " + ballot.sharedBlocksSeen());
        for (DiskRankedRegister.SharedBlockSeen s : ballot.sharedBlocksSeen()) {
            assertEquals(3, s.hostId());
            assertEquals(5, s.generation());
        }
        Dblock before = DblockDescriptor.decode(sectorOf(0, 3), 0).value();
        assertNull(run(c -> r.records().clearModeBlocks(ballot.sharedBlocksSeen(), c::accept)));
        for (DiskRankedRegister.SharedBlockSeen s : ballot.sharedBlocksSeen()) {
            ByteBuffer sector = sectorOf(s.disk(), 3);
            assertFalse(ModeBlockDescriptor.isShared(sector, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR));
            assertEquals(before, DblockDescriptor.decode(sector, 0).value(), "the dblock is left as it was");
            assertEquals(DblockStamp.Check.MATCHES, DblockStamp.check(sector, 0, 3, AREA_ID));
        }
    }

    @Test
    void aHostsBlockSaysWhetherItLetGoOfAVersion() {
        for (int d = 0; d < 3; d++) {
            writeHostSector(d, 2, Dblock.phase2(2, 4, 2, 1, 9).withFlags(d == 0 ? 0 : DblockDescriptor.DBLOCK_FL_RELEASED),
                    ModeBlock.NONE);
        }
        DiskPaxosResource r = resource(1);
        AreaRecords.HostSectorRead read = run(c -> r.records().readHostSector(2, c::accept));
        assertEquals(2, read.disksReleased(4));
        assertEquals(3, read.disksReleased(3), "a block of a later version means the earlier one is over");
        assertEquals(0, read.disksReleased(5));
        devices.get(1).image[GEOMETRY.resourceDblockOffsetBytes(2) + 3] ^= 1;
        AreaRecords.HostSectorRead damaged = run(c -> r.records().readHostSector(2, c::accept));
        assertEquals(1, damaged.disksReleased(4), "a block that fails its checksum counts for nothing");
        assertTrue(damaged.problems().get(0).contains("disk1 offset " + GEOMETRY.resourceDblockOffsetBytes(2)),
                damaged.problems().toString());
    }

    @Test
    void theLockValueBlockIsReadFromAMajorityAndDamageIsAnErrorNamingTheDisks() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        AreaRecords.LvbRead empty = run(c -> r.records().readLvb(c::accept));
        assertEquals(0, assertInstanceOf(AreaRecords.LvbRead.Value.class, empty).lvb().length());
        byte[] value = "state 42".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertNull(run(c -> r.records().writeLvb(3, value, c::accept)));
        AreaRecords.LvbRead read = run(c -> r.records().readLvb(c::accept));
        assertArrayEquals(value, assertInstanceOf(AreaRecords.LvbRead.Value.class, read).lvb().value());
        int lvbAt = GEOMETRY.resourceLvbOffsetBytes();
        devices.get(0).image[lvbAt + 33] ^= 1; // in the value
        AreaRecords.LvbRead oneBad = run(c -> r.records().readLvb(c::accept));
        assertArrayEquals(value, assertInstanceOf(AreaRecords.LvbRead.Value.class, oneBad).lvb().value());
        devices.get(2).image[lvbAt + 8] ^= 1; // in the area id
        AreaRecords.LvbRead twoBad = run(c -> r.records().readLvb(c::accept));
        String message = assertInstanceOf(AreaRecords.LvbRead.Damaged.class, twoBad).message();
        assertTrue(message.contains("disk0 offset " + lvbAt) && message.contains("disk2 offset " + lvbAt)
                && message.contains("1 of 3"), message);
    }

    @Test
    void theNewestLockValueBlockWinsWhenDisksDisagree() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        assertNull(run(c -> r.records().writeLvb(3, new byte[] {3}, c::accept)));
        devices.get(0).failIf(h -> h.kind == IoResult.Kind.WRITE);
        devices.get(1).failIf(h -> h.kind == IoResult.Kind.WRITE);
        String failed = run(c -> r.records().writeLvb(4, new byte[] {4}, c::accept));
        assertTrue(failed != null && failed.contains("reached only"), failed);
        devices.get(0).failIf(h -> false);
        devices.get(1).failIf(h -> false);
        AreaRecords.LvbRead read = run(c -> r.records().readLvb(c::accept));
        assertEquals(4, assertInstanceOf(AreaRecords.LvbRead.Value.class, read).lvb().lver(),
                "the copy of the highest writer version, even on a minority");
    }

    /**
     * Lease simulation seed 8597: a read misdirected to a zero sector came back BLANK, counted as "nothing written",
     * and with a failed read on the third disk made the majority that returned an older value. Areas we format hold
     * an empty record there, so a blank copy beside a valid one is not counted.
     */
    @Test
    void aBlankLockValueBlockBesideAValidOneIsAReadThatWentElsewhere() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        int lvbAt = GEOMETRY.resourceLvbOffsetBytes();
        AreaRecords.LvbRead fresh = run(c -> r.records().readLvb(c::accept));
        assertEquals(0, assertInstanceOf(AreaRecords.LvbRead.Value.class, fresh).lvb().lver(), "formatted: empty");
        assertNull(run(c -> r.records().writeLvb(3, new byte[] {3}, c::accept)));
        java.util.Arrays.fill(devices.get(1).image, lvbAt, lvbAt + SECTOR, (byte) 0); // what a misdirected read sees
        AreaRecords.LvbRead twoOfThree = run(c -> r.records().readLvb(c::accept));
        assertEquals(3, assertInstanceOf(AreaRecords.LvbRead.Value.class, twoOfThree).lvb().lver());
        devices.get(0).failIf(h -> h.kind == IoResult.Kind.READ && h.offsetBytes == lvbAt);
        AreaRecords.LvbRead oneGood = run(c -> r.records().readLvb(c::accept));
        String message = assertInstanceOf(AreaRecords.LvbRead.Damaged.class, oneGood, oneGood.toString()).message();
        assertTrue(message.contains("disk1 offset " + lvbAt) && message.contains("blank"), message);
    }

    /**
     * Lease simulation seeds 2420 and 2697: a releaser's lock value block write that a disk still held landed after
     * the next holder's newer value and rolled that disk back. The write now answers only once every disk's write
     * has completed for good (or at the operation deadline, for a disk that never answers).
     */
    @Test
    void aLockValueBlockWriteAnswersOnlyOnceNoWriteOfItCanStillLand() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        int lvbAt = GEOMETRY.resourceLvbOffsetBytes();
        ScriptedDevice slow = devices.get(2);
        slow.holdIf(h -> h.kind == IoResult.Kind.WRITE && h.offsetBytes == lvbAt);
        AtomicReference<String> answer = new AtomicReference<>("no answer");
        r.records().writeLvb(3, new byte[] {3}, answer::set);
        loop.advance(IO_TIMEOUT_NS / 2);
        assertEquals("no answer", answer.get(), "a majority wrote it, but disk 2's write may still land");
        slow.timeOut(slow.held.get(0));
        loop.advance(IO_TIMEOUT_NS);
        assertEquals("no answer", answer.get(), "timed out is not done: the write may still land");
        slow.holdIf(h -> false);
        slow.release(slow.held.get(0));
        loop.advance(1_000_000L);
        assertNull(answer.get(), "answered once the late write completed");
        // A disk that never completes its write: answered at the operation deadline (5 I/O timeouts here).
        slow.holdIf(h -> h.kind == IoResult.Kind.WRITE && h.offsetBytes == lvbAt);
        AtomicReference<String> second = new AtomicReference<>("no answer");
        r.records().writeLvb(4, new byte[] {4}, second::set);
        loop.advance(4 * IO_TIMEOUT_NS);
        assertEquals("no answer", second.get());
        loop.advance(2 * IO_TIMEOUT_NS);
        assertNull(second.get(), "a majority wrote it; the stuck disk holds the answer back only until the deadline");
    }

    @Test
    void aLockValueBlockWriteThatDisksAcknowledgeButDoNotHoldDoesNotCount() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        devices.get(0).dropWrites(true);
        assertNull(run(c -> r.records().writeLvb(3, new byte[] {3}, c::accept)), "two of three disks hold it");
        devices.get(1).dropWrites(true);
        String failure = run(c -> r.records().writeLvb(4, new byte[] {4}, c::accept));
        assertTrue(failure != null && failure.contains("reads back on only 1 of 3 disks"), String.valueOf(failure));
        devices.get(0).dropWrites(false);
        devices.get(1).dropWrites(false);
        assertNull(run(c -> r.records().writeLvb(5, new byte[] {5}, c::accept)));
        // A disk slow to answer the read-back does not hold the answer back once a majority hold the value.
        int lvbAt = GEOMETRY.resourceLvbOffsetBytes();
        devices.get(2).holdIf(h -> h.kind == IoResult.Kind.READ && h.offsetBytes == lvbAt);
        AtomicReference<String> answer = new AtomicReference<>("no answer");
        r.records().writeLvb(6, new byte[] {6}, answer::set);
        loop.advance(IO_TIMEOUT_NS / 10);
        assertNull(answer.get(), "disks 0 and 1 read back the value");
        assertEquals(1, devices.get(2).held.size(), "disk 2's read-back is still out");
    }

    @Test
    void theRequestRecordHoldsTheHighestRequestOfAMajority() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        AreaRecords.RequestRead initial = run(c -> r.records().readRequest(c::accept));
        assertEquals(RequestRecord.INITIAL, assertInstanceOf(AreaRecords.RequestRead.Found.class, initial).newest());
        assertNull(run(c -> r.records().writeRequest(RequestRecord.request(6, 1), c::accept)));
        AreaRecords.RequestRead read = run(c -> r.records().readRequest(c::accept));
        assertEquals(RequestRecord.request(6, 1), assertInstanceOf(AreaRecords.RequestRead.Found.class, read).newest());
        for (int d = 0; d < 2; d++) {
            devices.get(d).image[SECTOR] ^= 0x10; // the magic
        }
        AreaRecords.RequestRead bad = run(c -> r.records().readRequest(c::accept));
        String message = assertInstanceOf(AreaRecords.RequestRead.Unavailable.class, bad).message();
        assertTrue(message.contains("disk0 offset 512") && message.contains("BAD_MAGIC"), message);
    }

    @Test
    void aRequestRecordDamagedOrNewerOnOneDiskOnlyDoesNotCount() {
        DiskPaxosResource r = resource(1);
        readLeader(r);
        assertNull(run(c -> r.records().writeRequest(RequestRecord.request(3, 1), c::accept)));
        // The record has no checksum: a flipped lver bit on one disk reads as a much newer request (lease
        // simulation seed 2128 told a holder of version 5 of a request "for version 16387").
        devices.get(1).image[SECTOR + RequestRecordDescriptor.LVER_OFFSET + 1] ^= 0x40;
        AreaRecords.RequestRead read = run(c -> r.records().readRequest(c::accept));
        assertEquals(RequestRecord.request(3, 1), assertInstanceOf(AreaRecords.RequestRead.Found.class, read).newest(),
                "one copy of three is outvoted");
        assertEquals(RequestRecord.request(3, 1), AreaRecords.agreed(java.util.List.of(RequestRecord.request(3, 1),
                RequestRecord.request(16387, 1), RequestRecord.INITIAL), 2));
        assertEquals(RequestRecord.request(7, 2), AreaRecords.agreed(java.util.List.of(RequestRecord.request(3, 1),
                RequestRecord.request(7, 2), RequestRecord.request(9, 1)), 2), "7 or newer is on two disks");
        assertEquals(RequestRecord.INITIAL, AreaRecords.agreed(java.util.List.of(RequestRecord.request(3, 1),
                RequestRecord.INITIAL), 2), "a write that reached only one of the two readable disks");
    }

    @Test
    void nothingIsWrittenToADiskWhoseAreaDidNotValidate() {
        java.util.Arrays.fill(devices.get(0).image, 0, SECTOR, (byte) 0); // disk 0's leader is blank
        DiskPaxosResource r = resource(1);
        decideNext(r, 1);
        assertNull(run(c -> r.writeOwnSector(1, true, ModeBlock.shared(2), c::accept)));
        assertNull(run(c -> r.records().writeLvb(1, new byte[] {1}, c::accept)));
        assertNull(run(c -> r.records().writeRequest(RequestRecord.request(2, 2), c::accept)));
        loop.advance(20 * IO_TIMEOUT_NS); // repairs come and go: disk 0 still does not validate
        assertTrue(devices.get(0).writeOffsets.isEmpty(), "disk 0 was written at " + devices.get(0).writeOffsets);
    }
}
