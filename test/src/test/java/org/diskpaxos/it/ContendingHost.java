package org.diskpaxos.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * One host of the multi-process tests, in its own JVM: joins the lockspace through an {@link EmbeddedLeaseClient},
 * then until its deadline acquires the lease, makes a few increments of the {@link FencedCounter} with the lease's
 * token (checking the lease before each), and releases it. It logs {@code ACQ} when an acquire returns and
 * {@code REL} before releasing (times on the shared monotonic clock), so the test can check that holds never
 * overlap. If its membership is lost (it was paused too long), it leaves and joins again; a join that fails (slow
 * storage) is retried.
 *
 * <p>A <em>careless</em> host never checks its lease before writing: only the counter's fencing stands between it
 * and a stale write after a pause — the case fencing tokens exist for.
 *
 * <p>Arguments: {@code LOCKSPACE/RESOURCE HOST_ID IO_TIMEOUT_MS SECTOR_SIZE MAX_RESOURCES COUNTER LOG DURATION_MS
 * SEED careful|careless DISK...}. Prints {@code JOINED} once joined and {@code ACKS n} (increments the storage
 * accepted) at the end.
 */
public final class ContendingHost {
    static final int INCREMENTS_PER_HOLD_MAX = 4;
    /** Work between increments, so that holds last long enough for kills and pauses to land inside them. */
    static final int HOLD_PAUSE_MS_MAX = 15;

    private ContendingHost() {
    }

    public static void main(String[] argv) throws Exception {
        ResourceId resource = ResourceId.parse(argv[0]);
        int hostId = Integer.parseInt(argv[1]);
        LeaseTimeouts timeouts = LeaseTimeouts.ofIoTimeout(Duration.ofMillis(Long.parseLong(argv[2])));
        AreaGeometry geometry = Integer.parseInt(argv[3]) == 512 ? AreaGeometry.SECTOR_512_ALIGN_1M
                : AreaGeometry.SECTOR_4K_ALIGN_1M;
        int maxResources = Integer.parseInt(argv[4]);
        Path counter = Path.of(argv[5]);
        Path log = Path.of(argv[6]);
        long deadline = System.nanoTime() + Duration.ofMillis(Long.parseLong(argv[7])).toNanos();
        Random random = new Random(Long.parseLong(argv[8]));
        boolean careless = argv[9].equals("careless");
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (int i = 10; i < argv.length; i++) {
            disks.add(new EmbeddedLeaseClient.Disk(Path.of(argv[i]), 0));
        }
        long pid = ProcessHandle.current().pid();
        EmbeddedLeaseClient.Config config = new EmbeddedLeaseClient.Config(resource.lockspace(), hostId, disks,
                geometry, timeouts, maxResources, new HostIdentity("00000000000000d1", bootId(), "host" + hostId));
        EmbeddedLeaseClient client = join(config, deadline);
        if (client == null) {
            System.out.println("ACKS 0");
            return;
        }
        System.out.println("JOINED");
        System.out.flush();
        long acks = 0;
        while (System.nanoTime() < deadline) {
            if (client.membership() != Lockspace.State.JOINED) {
                client.close();
                client = join(config, deadline);
                if (client == null) {
                    break;
                }
            }
            Optional<Lease> held;
            try {
                held = client.tryAcquire(resource, Duration.ofMillis(300), LeaseOptions.EXCLUSIVE);
            } catch (LeaseException e) {
                System.err.println("acquire failed: " + e.getMessage());
                Thread.sleep(timeouts.ioTimeoutNs() / 1_000_000);
                continue;
            }
            if (held.isEmpty()) {
                continue;
            }
            Lease lease = held.get();
            long fence = lease.fence();
            FencedCounter.append(log, "ACQ " + fence + " " + hostId + " " + pid + " " + System.nanoTime());
            int increments = 1 + random.nextInt(INCREMENTS_PER_HOLD_MAX);
            for (int k = 0; k < increments; k++) {
                if (!careless) {
                    try {
                        lease.checkValid();
                    } catch (LeaseLostException e) {
                        break;
                    }
                }
                FencedCounter.Outcome o = FencedCounter.increment(counter, log, fence, hostId, pid);
                if (!o.accepted()) {
                    break;
                }
                acks++;
                Thread.sleep(random.nextInt(HOLD_PAUSE_MS_MAX + 1));
            }
            boolean lost = lease.state() == LeaseState.LOST;
            long end = lost ? lease.validUntilNanos() : System.nanoTime();
            FencedCounter.append(log, "REL " + fence + " " + hostId + " " + pid + " " + end + (lost ? " lost" : ""));
            lease.release();
        }
        if (client != null) {
            client.close();
        }
        System.out.println("ACKS " + acks);
        System.out.flush();
    }

    /** Joins, retrying failed joins until the deadline; null if it never joined. */
    private static EmbeddedLeaseClient join(EmbeddedLeaseClient.Config config, long deadline)
            throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                return EmbeddedLeaseClient.open(config);
            } catch (LeaseException e) {
                System.err.println("join failed, retrying: " + e.getMessage());
                Thread.sleep(config.timeouts().ioTimeoutNs() / 1_000_000);
            }
        }
        return null;
    }

    private static String bootId() throws java.io.IOException {
        String boot = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).replace("-", "")
                .trim();
        return boot.substring(0, 16);
    }
}
