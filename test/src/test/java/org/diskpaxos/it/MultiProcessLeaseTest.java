package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Several JVMs as hosts on real shared storage — files, and loop devices with 512- and 4096-byte sectors — contend
 * for one lease and increment a fenced counter under it ({@link ContendingHost}), while the test SIGKILLs hosts
 * (restarting them, same host id) and SIGSTOPs them for up to three times their lease validity. Every other host is
 * careless: it never checks its lease before writing, so only the counter's fencing stops its stale writes after a
 * pause. Afterwards the
 * log must show no two holders at once, one holder per token, tokens growing, no stale write from a process that
 * was never paused, and no increment lost or doubled ({@link CounterLog}); and the lease must have kept moving.
 */
class MultiProcessLeaseTest {
    /** The io timeout of every host: failover ≈ 7 × this; paused hosts lose their lease after 4 ×. */
    private static final long IO_TIMEOUT_MS = 150;
    private static final String RESOURCE = "counter";
    private static final int MAX_RESOURCES = 4;
    private Path dir;
    private final List<HostProcess> all = new ArrayList<>();
    private final List<LoopDevice> loops = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "multiprocess");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (HostProcess h : all) {
            if (h.process.isAlive()) {
                h.signal("CONT");
                h.kill();
            }
        }
        for (LoopDevice l : loops) {
            l.close();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void threeFilesFourHostsKillsAndPauses() throws Exception {
        List<Path> disks = files(3, AreaGeometry.SECTOR_512_ALIGN_1M);
        run(disks, AreaGeometry.SECTOR_512_ALIGN_1M, 4, Duration.ofSeconds(9), seed());
    }

    @Test
    void oneLoopDeviceWith512ByteSectors() throws Exception {
        List<Path> disks = loopDevices(1, 512, AreaGeometry.SECTOR_512_ALIGN_1M);
        run(disks, AreaGeometry.SECTOR_512_ALIGN_1M, 3, Duration.ofSeconds(6), seed());
    }

    @Test
    void threeLoopDevicesWith4096ByteSectors() throws Exception {
        List<Path> disks = loopDevices(3, 4096, AreaGeometry.SECTOR_4K_ALIGN_1M);
        run(disks, AreaGeometry.SECTOR_4K_ALIGN_1M, 3, Duration.ofSeconds(6), seed());
    }

    @Test
    @Tag("long")
    void soakThreeFilesFiveHostsForTwoMinutes() throws Exception {
        List<Path> disks = files(3, AreaGeometry.SECTOR_512_ALIGN_1M);
        run(disks, AreaGeometry.SECTOR_512_ALIGN_1M, 5, Duration.ofMinutes(2), seed());
    }

    private static long seed() {
        String s = System.getProperty("it.seed");
        long seed = s != null ? Long.parseLong(s) : System.nanoTime();
        System.out.println("chaos seed " + seed + " (rerun with -Dit.seed=" + seed + ")");
        return seed;
    }

    private List<Path> files(int count, AreaGeometry geometry) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            paths.add(dir.resolve("disk" + d));
        }
        format(paths, geometry, true);
        return paths;
    }

    private List<Path> loopDevices(int count, int sector, AreaGeometry geometry) throws IOException {
        String reason = LoopDevice.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED loop-device run: " + reason);
        }
        assumeTrue(reason == null, reason);
        LockspaceLayout layout = new LockspaceLayout(geometry, MAX_RESOURCES);
        List<Path> devices = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            Path backing = dir.resolve("loop" + d + ".img");
            BlockDevices.open(backing, BlockDeviceOptions.direct().withCreateSize(layout.bytesFor(MAX_RESOURCES)))
                    .close();
            LoopDevice loop = LoopDevice.attach(backing, sector, false);
            loops.add(loop);
            devices.add(loop.device());
        }
        format(devices, geometry, false);
        return devices;
    }

    private static void format(List<Path> paths, AreaGeometry geometry, boolean create) throws IOException {
        LockspaceLayout layout = new LockspaceLayout(geometry, MAX_RESOURCES);
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<LockspaceFormat.Target> targets = new ArrayList<>();
            for (Path p : paths) {
                BlockDeviceOptions o = BlockDeviceOptions.direct().withSectorSize(geometry.sectorSizeBytes());
                BlockDevice dev = BlockDevices.open(p, create ? o.withCreateSize(layout.bytesFor(MAX_RESOURCES)) : o);
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, 0));
            }
            LockspaceFormat.format("it", layout, targets, 1, false);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
    }

    private void run(List<Path> disks, AreaGeometry geometry, int hosts, Duration duration, long seed)
            throws Exception {
        LeaseTimeouts timeouts = LeaseTimeouts.ofIoTimeout(Duration.ofMillis(IO_TIMEOUT_MS));
        createResource(disks, geometry, timeouts);
        Path counter = dir.resolve("counter");
        Path log = dir.resolve("counter.log");
        FencedCounter.create(counter, log);
        Random random = new Random(seed);
        long startNs = System.nanoTime();
        long endNs = startNs + duration.toNanos();
        Map<Integer, HostProcess> live = new HashMap<>();
        Map<Integer, Integer> incarnations = new HashMap<>();
        for (int h = 2; h < 2 + hosts; h++) {
            live.put(h, start(h, 0, disks, geometry, counter, log, endNs, random));
            incarnations.put(h, 0);
        }
        Map<Long, Long> killedAtNs = new HashMap<>();
        Map<Long, List<long[]>> pausesNs = new HashMap<>();
        int kills = 0;
        int pauses = 0;
        // Chaos until a second before the end; the last second lets the lease move freely again.
        while (System.nanoTime() < endNs - 1_500_000_000L) {
            Thread.sleep(250 + random.nextInt(500));
            HostProcess target = pickTarget(live, log, random);
            if (random.nextBoolean()) {
                killedAtNs.put(target.pid, System.nanoTime());
                target.kill();
                kills++;
                int inc = incarnations.merge(target.hostId, 1, Integer::sum);
                live.put(target.hostId, start(target.hostId, inc, disks, geometry, counter, log, endNs, random));
            } else {
                long pauseMs = 50 + random.nextInt((int) (12 * IO_TIMEOUT_MS));
                long stopNs = System.nanoTime();
                target.signal("STOP");
                Thread.sleep(pauseMs);
                long contNs = System.nanoTime();
                target.signal("CONT");
                pausesNs.computeIfAbsent(target.pid, p -> new ArrayList<>()).add(new long[] {stopNs, contNs});
                pauses++;
            }
        }
        Map<Long, Long> acks = new HashMap<>();
        for (HostProcess h : all) {
            if (killedAtNs.containsKey(h.pid)) {
                continue;
            }
            assertTrue(h.process.waitFor(duration.toSeconds() + 60, java.util.concurrent.TimeUnit.SECONDS),
                    "host " + h.hostId + " did not finish");
            assertEquals(0, h.process.exitValue(), "host " + h.hostId + " (pid " + h.pid + ") failed:\n"
                    + h.errorTail());
            Long a = h.acks();
            assertTrue(a != null, "host " + h.hostId + " did not report its increments");
            acks.put(h.pid, a);
        }
        CounterLog.Summary s = CounterLog.verify(counter, log, new CounterLog.Chaos(killedAtNs, pausesNs, acks));
        System.out.printf("%d hosts, %d disks, %s: %d increments in %d holds, %d kills, %d pauses (%d holds cut by "
                + "a pause, %d by a kill), %d stale writes refused by the fenced counter%n", hosts, disks.size(),
                geometry.describe(), s.increments(), s.holds(), kills, pauses, s.pausedHolds(), s.killedHolds(),
                s.rejects());
        assertTrue(s.holds() >= 3 && s.increments() >= 5, "the lease hardly moved: " + s);
    }

    private HostProcess start(int hostId, int incarnation, List<Path> disks, AreaGeometry geometry, Path counter,
            Path log, long endNs, Random random) throws IOException {
        long remainingMs = Math.max(500, (endNs - System.nanoTime()) / 1_000_000L);
        List<String> args = new ArrayList<>(List.of("it/" + RESOURCE, Integer.toString(hostId),
                Long.toString(IO_TIMEOUT_MS), Integer.toString(geometry.sectorSizeBytes()),
                Integer.toString(MAX_RESOURCES), counter.toString(), log.toString(), Long.toString(remainingMs),
                Long.toString(random.nextLong()), hostId % 2 == 0 ? "careful" : "careless"));
        for (Path d : disks) {
            args.add(d.toString());
        }
        HostProcess p = HostProcess.start(dir, hostId, incarnation, args);
        all.add(p);
        return p;
    }

    /** The process holding the lease now (per the log) six times in ten, else any live host. */
    private static HostProcess pickTarget(Map<Integer, HostProcess> live, Path log, Random random) throws IOException {
        if (random.nextInt(10) < 6) {
            long holder = currentHolder(log);
            for (HostProcess h : live.values()) {
                if (h.pid == holder && h.process.isAlive()) {
                    return h;
                }
            }
        }
        List<HostProcess> alive = live.values().stream().filter(h -> h.process.isAlive()).toList();
        return alive.isEmpty() ? live.values().iterator().next() : alive.get(random.nextInt(alive.size()));
    }

    private static long currentHolder(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("REL")) {
                return -1;
            }
            if (f[0].equals("ACQ")) {
                return Long.parseLong(f[3]);
            }
        }
        return -1;
    }

    private static void createResource(List<Path> disks, AreaGeometry geometry, LeaseTimeouts timeouts)
            throws Exception {
        List<EmbeddedLeaseClient.Disk> ds = disks.stream().map(p -> new EmbeddedLeaseClient.Disk(p, 0)).toList();
        try (EmbeddedLeaseClient c = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config("it", 1, ds, geometry,
                timeouts, MAX_RESOURCES, new HostIdentity("00000000000000d1", "00000000000000e1", "setup")))) {
            c.createResource(RESOURCE, 16);
        }
    }
}
