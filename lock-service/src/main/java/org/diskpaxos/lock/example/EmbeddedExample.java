package org.diskpaxos.lock.example;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * The embedded lease API from start to end, as two hosts ("alpha" and "beta") in one JVM on three files:
 * <ol>
 *   <li>format a lockspace {@code demo} on three disk files (sanlock's layout: 512-byte sectors, 1 MiB areas);</li>
 *   <li>both hosts join it; alpha creates the resource {@code demo/orders};</li>
 *   <li>alpha acquires it, gets its fencing token, registers a {@code lost()} reaction, and writes to a
 *       {@link FencedStore} with the token after {@code checkValid()}; beta cannot have the lease meanwhile;</li>
 *   <li>the whole JVM is then stopped for 2.5 s (SIGSTOP/SIGCONT from a child shell: a long GC pause or a stopped
 *       process) — longer than the fast profile's 1 s validity: alpha's lease turns LOST on its own deadline,
 *       {@code lost()} completes, {@code checkValid()} throws;</li>
 *   <li>beta rejoins, waits until alpha is provably dead, takes the lease with a higher token and writes; alpha's
 *       late write with its old token is refused by the store; releasing the lost lease is not an error.</li>
 * </ol>
 * Run it with {@code ./dplock example [DIR]} (files go in a fresh directory under DIR, default {@code /var/tmp},
 * and are removed at the end).
 */
public final class EmbeddedExample {

    /**
     * Storage that checks fencing tokens, as a database or object store can: it refuses a write whose token is
     * older than one it has already accepted.
     */
    static final class FencedStore {
        private long highestToken;
        private final List<String> rows = new ArrayList<>();

        synchronized boolean write(long token, String row) {
            if (token < highestToken) {
                return false;
            }
            highestToken = token;
            rows.add(row + " (token " + token + ")");
            return true;
        }

        synchronized List<String> rows() {
            return List.copyOf(rows);
        }
    }

    private static final String LOCKSPACE = "demo";
    private static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final int MAX_RESOURCES = 4;

    private EmbeddedExample() {
    }

    public static void main(String[] args) throws Exception {
        runInFreshDirectory(Path.of(args.length > 0 ? args[0] : "/var/tmp"), System.out);
    }

    /** Runs the example on files in a new directory under {@code parent}, removed afterwards. */
    public static void runInFreshDirectory(Path parent, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(parent), "dplock-example-");
        try {
            run(dir, out);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    static void run(Path dir, PrintStream out) throws Exception {
        // 1. Format: normally done once by an administrator (dplock init lockspace).
        List<Path> files = List.of(dir.resolve("disk-a.img"), dir.resolve("disk-b.img"), dir.resolve("disk-c.img"));
        format(files);
        out.println("formatted lockspace '" + LOCKSPACE + "' on " + files.size() + " files in " + dir);

        // 2. Join: each host opens the same disks with its own host id. The fast profile suits local disks.
        LeaseTimeouts timeouts = LeaseTimeouts.FAST;
        out.println("timeouts: " + timeouts.describe());
        List<EmbeddedLeaseClient.Disk> disks = files.stream().map(f -> new EmbeddedLeaseClient.Disk(f, 0)).toList();
        EmbeddedLeaseClient.Config alphaConfig = config(disks, 1, "alpha", timeouts);
        EmbeddedLeaseClient.Config betaConfig = config(disks, 2, "beta", timeouts);
        EmbeddedLeaseClient alpha = EmbeddedLeaseClient.open(alphaConfig);
        EmbeddedLeaseClient beta = EmbeddedLeaseClient.open(betaConfig);
        out.println("alpha joined as host 1, beta as host 2");
        alpha.createResource("orders");
        ResourceId orders = ResourceId.parse(LOCKSPACE + "/orders");
        FencedStore store = new FencedStore();

        // 3. Acquire with fencing.
        Lease lease = alpha.acquire(orders, LeaseOptions.EXCLUSIVE);
        long token = lease.fence();
        out.println("alpha holds " + lease.sequencer() + ", state " + lease.state());
        lease.lost().thenAccept(reason -> out.println("  alpha's lost() completed: " + reason));
        lease.checkValid();
        out.println("alpha writes with token " + token + ": " + (store.write(token, "order 1 by alpha")
                ? "accepted" : "refused"));
        Optional<Lease> refused = beta.tryAcquire(orders, Duration.ofMillis(500), LeaseOptions.EXCLUSIVE);
        out.println("beta tries for 500 ms while alpha holds it: " + (refused.isPresent() ? "GRANTED (wrong!)"
                : "busy, as it must be"));

        // 4. A pause longer than the lease's validity.
        out.println("stopping this JVM for 2.5 s (SIGSTOP ... SIGCONT), longer than the 1 s validity ...");
        pauseThisJvm(2500);
        out.println("resumed: alpha's lease is " + lease.state());
        try {
            lease.checkValid();
            out.println("alpha's checkValid() passed (unexpected)");
        } catch (LeaseLostException e) {
            out.println("alpha's checkValid() throws: " + e.getMessage());
        }

        // 5. Failover: beta's membership lapsed in the pause too, so it joins again, then waits until alpha is
        // provably dead (hostDead of silence) and takes the lease with a higher token.
        beta.close();
        beta = EmbeddedLeaseClient.open(betaConfig);
        long waitStart = System.nanoTime();
        try (Lease taken = beta.acquire(orders, LeaseOptions.EXCLUSIVE)) {
            out.printf("beta holds %s after %.1f s (alpha had token %d)%n", taken.sequencer(),
                    (System.nanoTime() - waitStart) / 1e9, token);
            taken.checkValid();
            store.write(taken.fence(), "order 2 by beta");
            boolean late = store.write(token, "order 3 by alpha, late");
            out.println("alpha's late write with token " + token + ": " + (late ? "ACCEPTED (wrong!)"
                    : "refused by the store"));
            out.println("alpha releases its lost lease: " + lease.release());
        }
        out.println("store: " + store.rows());
        alpha.close();
        beta.close();
    }

    private static EmbeddedLeaseClient.Config config(List<EmbeddedLeaseClient.Disk> disks, int hostId, String name,
            LeaseTimeouts timeouts) throws IOException {
        HostIdentity local = HostIdentity.local();
        return new EmbeddedLeaseClient.Config(LOCKSPACE, hostId, disks, GEOMETRY, timeouts, MAX_RESOURCES,
                new HostIdentity(local.machine(), local.boot(), name));
    }

    private static void format(List<Path> files) throws IOException {
        LockspaceLayout layout = new LockspaceLayout(GEOMETRY, MAX_RESOURCES);
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<LockspaceFormat.Target> targets = new ArrayList<>();
            for (Path f : files) {
                BlockDevice dev = BlockDevices.open(f, BlockDeviceOptions.direct().withSectorSize(512)
                        .withCreateSize(layout.bytesFor(MAX_RESOURCES)));
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, 0));
            }
            LockspaceFormat.format(LOCKSPACE, layout, targets, 1, false);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
    }

    /** Has a child shell stop this JVM, wait, and continue it: what a long GC pause does to lease holders. */
    private static void pauseThisJvm(long millis) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
        Process p = new ProcessBuilder("sh", "-c", "kill -STOP " + pid + "; sleep " + seconds + "; kill -CONT "
                + pid).inheritIO().start();
        if (!p.waitFor(millis + 10_000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("the pause helper did not finish");
        }
        // Give the lease watchdog a moment to look at the clock after the resume.
        Thread.sleep(50);
    }
}
