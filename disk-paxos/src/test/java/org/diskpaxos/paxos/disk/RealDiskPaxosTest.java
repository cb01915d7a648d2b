package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.TargetTempDir;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk Paxos on real storage — O_DIRECT files on the project's ext4 disk and loop devices, with 512- and 4096-byte
 * sectors, on one and three disks: several hosts, each with its own event loop, worker threads and file
 * descriptors (a process apiece in all but address space), acquire successive lease versions of one resource at the
 * same time. Every version is decided once (all hosts that decided it agree on the owner), the versions run
 * 1..max without a gap, every decided owner was proposed, and each disk's leader record names the owner decided for
 * its version, with a majority at the newest.
 */
class RealDiskPaxosTest {
    private static final String LS = "REALLS";
    private static final String RES = "REALRES";
    private static final int HOSTS = 4;
    private static final int NUM_HOSTS = 8;
    private static final int ACQUIRES_PER_HOST = 10;
    private static final DiskPaxosResource.Options OPTIONS = new DiskPaxosResource.Options(2_000_000_000L,
            5_000_000_000L, 500_000L, true);

    /** Acquires that decided a version another acquire also decided, over all tests of the class. */
    private static final AtomicInteger sharedVersions = new AtomicInteger();

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    /**
     * Agreement is only tested where two hosts decide the same version: with four hosts starting together this
     * happens in every run seen (27 to 39 versions for 40 acquires), and over all tests of the class it must.
     */
    @AfterAll
    static void hostsReallyContended() {
        assertTrue(sharedVersions.get() > 0, "no two acquires ever decided the same lver: agreement not exercised");
    }

    @Test
    void filesWith512ByteSectorsOnOneDisk() throws Exception {
        contend(RealDisks.at(RealDisks.files(dir, "one", 1, 2L << 20), 1L << 20), AreaGeometry.SECTOR_512_ALIGN_1M);
    }

    @Test
    void filesWith512ByteSectorsOnThreeDisks() throws Exception {
        contend(RealDisks.at(RealDisks.files(dir, "three", 3, 1L << 20), 0), AreaGeometry.SECTOR_512_ALIGN_1M);
    }

    @Test
    void filesWith4096ByteSectorsOnThreeDisks() throws Exception {
        contend(RealDisks.at(RealDisks.files(dir, "three4k", 3, 1L << 20), 0), AreaGeometry.SECTOR_4K_ALIGN_1M);
    }

    @Test
    void loopDevicesWith512ByteSectors() throws Exception {
        onLoopDevices(512, AreaGeometry.SECTOR_512_ALIGN_1M);
    }

    @Test
    void loopDevicesWith4096ByteSectors() throws Exception {
        onLoopDevices(4096, AreaGeometry.SECTOR_4K_ALIGN_1M);
    }

    private void onLoopDevices(int sectorBytes, AreaGeometry g) throws Exception {
        String reason = LoopDevice.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED RealDiskPaxosTest loop devices: " + reason);
        }
        assumeTrue(reason == null, reason);
        List<Path> backing = RealDisks.files(dir, "loop" + sectorBytes, 3, 2L << 20);
        List<LoopDevice> loops = new ArrayList<>();
        try {
            for (Path b : backing) {
                loops.add(LoopDevice.attach(b, sectorBytes, false));
            }
            List<Path> devices = loops.stream().map(LoopDevice::device).toList();
            contend(RealDisks.at(devices, 1L << 20), g);
        } finally {
            for (LoopDevice l : loops) {
                l.close();
            }
        }
    }

    /** Formats the area, lets {@link #HOSTS} hosts acquire in parallel, and checks what was decided and written. */
    private void contend(List<ResourceDisks.Location> locations, AreaGeometry g) throws Exception {
        ResourceAreaFormatter.format(locations, LS, RES, g, NUM_HOSTS, false);
        Map<Long, Set<Inp>> decided = new ConcurrentHashMap<>();
        Set<Inp> proposed = ConcurrentHashMap.newKeySet();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<ResourceDisks> processes = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int h = 1; h <= HOSTS; h++) {
                int hostId = h;
                ResourceDisks disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(g, "host" + h));
                processes.add(disks);
                DiskPaxosResource resource = disks.resource(LS, RES, hostId, OPTIONS, RandomSource.seeded(hostId));
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int k = 1; k <= ACQUIRES_PER_HOST; k++) {
                            Inp mine = new Inp(hostId, k, hostId * 1000L + k);
                            proposed.add(mine);
                            DiskPaxosResource.Acquired a = RealDisks.acquire(disks, resource, mine, k, mine.inp3());
                            if (a instanceof DiskPaxosResource.Acquired.Decided d) {
                                decided.computeIfAbsent(d.lver(), x -> ConcurrentHashMap.newKeySet()).add(d.owner());
                            } else {
                                failures.add("host " + hostId + ": " + ((DiskPaxosResource.Acquired.Failed) a).reason());
                            }
                        }
                    } catch (Exception e) {
                        failures.add("host " + hostId + ": " + e);
                    }
                }, "acquirer-" + h);
                threads.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : threads) {
                t.join(60_000);
                assertTrue(!t.isAlive(), t.getName() + " did not finish");
            }
        } finally {
            for (ResourceDisks d : processes) {
                d.close();
            }
        }
        assertEquals(List.of(), failures);
        sharedVersions.addAndGet(HOSTS * ACQUIRES_PER_HOST - decided.size());
        System.out.println(locations + ": " + HOSTS * ACQUIRES_PER_HOST + " acquires decided lver 1.."
                + decided.size());
        checkDecisions(new TreeMap<>(decided), proposed);
        checkLeaders(locations, g, new TreeMap<>(decided));
    }

    private static void checkDecisions(TreeMap<Long, Set<Inp>> decided, Set<Inp> proposed) {
        for (Map.Entry<Long, Set<Inp>> e : decided.entrySet()) {
            assertEquals(1, e.getValue().size(), "agreement: lver " + e.getKey() + " decided " + e.getValue());
            assertTrue(proposed.containsAll(e.getValue()), "validity: lver " + e.getKey() + " " + e.getValue());
        }
        long max = decided.lastKey();
        assertEquals(max, decided.size(), "lease versions 1.." + max + " all decided: " + decided.keySet());
        assertTrue(max >= ACQUIRES_PER_HOST && max <= (long) HOSTS * ACQUIRES_PER_HOST, "max lver " + max);
    }

    private static void checkLeaders(List<ResourceDisks.Location> locations, AreaGeometry g,
                                     TreeMap<Long, Set<Inp>> decided) throws Exception {
        long max = decided.lastKey();
        for (ResourceDisks.Location l : locations) {
            LeaderRecord leader = RealDisks.leader(l, g);
            Set<Inp> owner = decided.get(leader.lver());
            if (owner == null) {
                fail(l + ": leader of lver " + leader.lver() + " that nobody decided");
            }
            assertEquals(owner.iterator().next(), new Inp(leader.ownerId(), leader.ownerGeneration(),
                    leader.timestamp()), l + ": leader of lver " + leader.lver());
            assertEquals(NUM_HOSTS, leader.numHosts());
        }
        // The leaders need not hold lver max: each host writes its leader after its decision, so a host whose write
        // was slow (its I/O thread not scheduled) can land an older decided version after another host's newer one
        // (seen once on a loaded machine). The leader is a hint; what matters is that the next acquire still moves
        // past every decided version.
        try (ResourceDisks disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(g, "late"))) {
            DiskPaxosResource resource = disks.resource(LS, RES, 1, OPTIONS, RandomSource.seeded(99));
            Inp late = new Inp(1, 1000, 1_000_000L);
            DiskPaxosResource.Acquired a = RealDisks.acquire(disks, resource, late, 1000, late.inp3());
            DiskPaxosResource.Acquired.Decided d = assertInstanceOf(DiskPaxosResource.Acquired.Decided.class, a);
            assertEquals(max + 1, d.lver(), "the acquire after the run decides the version after the last one");
            assertEquals(late, d.owner());
        }
    }
}
