package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.TargetTempDir;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real O_DIRECT files, some of whose I/O is held at a gate as if the disk had stopped answering: with one disk
 * stalled, each Disk Paxos phase completes on the first two disks well before the per-I/O timeout, and acquire
 * succeeds once the leader I/O to the stalled disk has timed out; with two of three stalled, the register and
 * acquire end in an error shortly after the per-I/O timeout instead of hanging; after the disk comes back, its late
 * completions are absorbed and it catches up.
 */
class StalledDiskTest {
    private static final String LS = "STALLLS";
    private static final String RES = "STALLRES";
    private static final AreaGeometry G = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final int NUM_HOSTS = 8;
    private static final long IO_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(400);
    private static final long DEADLINE_NS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final DiskPaxosResource.Options OPTIONS = new DiskPaxosResource.Options(IO_TIMEOUT_NS,
            DEADLINE_NS, 1_000_000L, true);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private List<ResourceDisks.Location> locations;
    private final StallingBlockDevice[] stallable = new StallingBlockDevice[3];
    private ResourceDisks disks;

    @BeforeEach
    void open() throws Exception {
        locations = RealDisks.at(RealDisks.files(dir, "stall", 3, 1L << 20), 0);
        ResourceAreaFormatter.format(locations, LS, RES, G, NUM_HOSTS, false);
        disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(G, "stall"), (i, device) -> {
            stallable[i] = new StallingBlockDevice(device);
            return stallable[i];
        });
    }

    @AfterEach
    void close() throws Exception {
        for (StallingBlockDevice s : stallable) {
            if (s != null) {
                s.unstall();
            }
        }
        disks.close();
    }

    private DiskRankedRegister register(int hostId, long lver) {
        List<DiskRankedRegister.Replica> replicas = new ArrayList<>();
        for (DiskPaxosResource.Disk d : disks.disks()) {
            replicas.add(new DiskRankedRegister.Replica(d.device(), d.areaOffsetBytes(), d.syncAfterWrite()));
        }
        return new DiskRankedRegister(disks.loop(), replicas, new DiskRankedRegister.Config(G.sectorSizeBytes(),
                G.maxHosts(), NUM_HOSTS, hostId, lver, IO_TIMEOUT_NS, DEADLINE_NS, ModeBlock.NONE,
                DblockStamp.areaId(LS, RES), true));
    }

    private static long millisSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    @Test
    void phasesCompleteOnTheFirstMajorityWhileOneDiskIsStalled() throws Exception {
        stallable[2].stall();
        DiskRankedRegister register = register(1, 1);
        Rank rank = Rank.ofHost(1, 1);

        long t0 = System.nanoTime();
        RankedRegister.ReadOutcome<Inp> read = disks.call(cb -> register.rrRead(rank, cb), WAIT);
        long readMs = millisSince(t0);
        assertInstanceOf(RankedRegister.ReadValue.class, read);
        long t1 = System.nanoTime();
        RankedRegister.Outcome write = disks.call(cb -> register.rrWrite(rank, new Inp(1, 1, 1), cb), WAIT);
        long writeMs = millisSince(t1);
        assertInstanceOf(RankedRegister.Outcome.Committed.class, write);

        long timeoutMs = TimeUnit.NANOSECONDS.toMillis(IO_TIMEOUT_NS);
        assertTrue(readMs < timeoutMs / 2 && writeMs < timeoutMs / 2, "phase 0+1 took " + readMs + " ms, phase 2 "
                + writeMs + " ms: they must not wait for the stalled disk's " + timeoutMs + " ms timeout");
        assertTrue(stallable[2].held() >= 1, "the stalled disk was asked too");
        assertEquals(0, stallable[2].passed(), "and answered nothing");
        long ballot = rank.toBallot(G.maxHosts());
        for (int d = 0; d < 3; d++) {
            Dblock onDisk = DblockDescriptor.decode(RealDisks.read(locations.get(d), G, G.alignSizeBytes()),
                    G.resourceDblockOffsetBytes(1)).value();
            assertEquals(d < 2 ? Dblock.phase2(ballot, 1, 1, 1, 1) : Dblock.ZERO, onDisk, "host 1's block on disk " + d);
        }
    }

    @Test
    void acquireSurvivesAStalledMinorityAndTheDiskCatchesUpAfterwards() throws Exception {
        DiskPaxosResource resource = disks.resource(LS, RES, 3, OPTIONS, RandomSource.seeded(3));
        stallable[1].stall();

        DiskPaxosResource.LeaderRead read = disks.call(resource::readLeader, WAIT);
        var leader = assertInstanceOf(DiskPaxosResource.LeaderRead.Leader.class, read);
        assertEquals(2, leader.disksValid());
        assertEquals(1, leader.problems().size(), leader.problems().toString());
        assertTrue(leader.problems().get(0).contains(locations.get(1).path() + " offset 0: leader read timed out"),
                leader.problems().toString());

        long t0 = System.nanoTime();
        var first = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                RealDisks.acquire(disks, resource, new Inp(3, 1, 30), 1, 30));
        long acquireMs = millisSince(t0);
        assertEquals(1, first.lver());
        long timeoutMs = TimeUnit.NANOSECONDS.toMillis(IO_TIMEOUT_NS);
        // The leader read waits for the stalled disk's timeout; the ballot and the leader write (majority) do not.
        assertTrue(acquireMs >= timeoutMs && acquireMs < 2 * timeoutMs + 1000, "acquire took " + acquireMs + " ms");

        stallable[1].unstall();
        var second = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class,
                RealDisks.acquire(disks, resource, new Inp(3, 2, 31), 2, 31));
        assertEquals(2, second.lver());
        // The acquire answers once a majority holds the leader; the last disk's write may still be landing.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ResourceDisks.Location l : locations) {
            LeaderRecord onDisk = RealDisks.leader(l, G);
            while (onDisk.lver() != 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                onDisk = RealDisks.leader(l, G);
            }
            assertEquals(List.of(2L, 3L, 2L, 31L), List.of(onDisk.lver(), onDisk.ownerId(), onDisk.ownerGeneration(),
                    onDisk.timestamp()), l + " caught up");
        }
    }

    @Test
    void aStalledMajorityYieldsATimelyErrorNotAHang() throws Exception {
        stallable[0].stall();
        stallable[2].stall();
        DiskRankedRegister register = register(2, 1);

        long t0 = System.nanoTime();
        RankedRegister.ReadOutcome<Inp> read = disks.call(cb -> register.rrRead(Rank.ofHost(1, 2), cb), WAIT);
        long readMs = millisSince(t0);
        var unavailable = assertInstanceOf(RankedRegister.ReadUnavailable.class, read);
        assertTrue(unavailable.reason().contains("fewer than 2 of 3 disks"), unavailable.reason());
        long timeoutMs = TimeUnit.NANOSECONDS.toMillis(IO_TIMEOUT_NS);
        long deadlineMs = TimeUnit.NANOSECONDS.toMillis(DEADLINE_NS);
        assertTrue(readMs >= timeoutMs - 5 && readMs < deadlineMs + 500, "rrRead ended after " + readMs + " ms");

        DiskPaxosResource resource = disks.resource(LS, RES, 2, OPTIONS, RandomSource.seeded(2));
        long t1 = System.nanoTime();
        var failed = assertInstanceOf(DiskPaxosResource.Acquired.Failed.class,
                RealDisks.acquire(disks, resource, new Inp(2, 1, 20), 1, 20));
        long acquireMs = millisSince(t1);
        assertTrue(failed.reason().contains("only 1 of 3 disks") && failed.reason().contains("timed out"),
                failed.reason());
        assertTrue(acquireMs >= timeoutMs - 5 && acquireMs < 2 * timeoutMs + 500, "acquire failed after " + acquireMs
                + " ms");
    }
}
