package org.diskpaxos.lock.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * The holder of the failover benchmark, in its own JVM: joins the lockspace, acquires one lease, prints
 * {@code HELD <fence>} on standard output, and then holds it until the process is killed.
 *
 * <p>Arguments: {@code LOCKSPACE/RESOURCE HOST_ID IO_TIMEOUT_MS SECTOR_SIZE MAX_RESOURCES DISK...}, or in active
 * mode {@code LOCKSPACE/RESOURCE HOST_ID IO_TIMEOUT_MS active KEY_FILE HOST:PORT...}.
 */
public final class LeaseHolderMain {
    /** The line printed once the lease is held, followed by the fencing token. */
    public static final String HELD = "HELD ";

    private LeaseHolderMain() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length >= 6 && argv[3].equals("active")) {
            holdActive(argv);
            return;
        }
        if (argv.length < 6) {
            System.err.println("usage: LeaseHolderMain LOCKSPACE/RESOURCE HOST_ID IO_TIMEOUT_MS SECTOR_SIZE "
                    + "MAX_RESOURCES DISK...");
            System.exit(64);
        }
        ResourceId resource = ResourceId.parse(argv[0]);
        int hostId = Integer.parseInt(argv[1]);
        LeaseTimeouts timeouts = LeaseTimeouts.ofIoTimeout(Duration.ofMillis(Long.parseLong(argv[2])));
        AreaGeometry geometry = Integer.parseInt(argv[3]) == 512 ? AreaGeometry.SECTOR_512_ALIGN_1M
                : AreaGeometry.SECTOR_4K_ALIGN_1M;
        int maxResources = Integer.parseInt(argv[4]);
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (int i = 5; i < argv.length; i++) {
            disks.add(new EmbeddedLeaseClient.Disk(Path.of(argv[i]), 0));
        }
        EmbeddedLeaseClient client = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(resource.lockspace(),
                hostId, disks, geometry, timeouts, maxResources, HostIdentity.local()));
        Lease lease = client.acquire(resource, LeaseOptions.EXCLUSIVE);
        System.out.println(HELD + lease.fence());
        System.out.flush();
        while (true) {
            Thread.sleep(60_000);
        }
    }

    private static void holdActive(String[] argv) throws Exception {
        ResourceId resource = ResourceId.parse(argv[0]);
        int hostId = Integer.parseInt(argv[1]);
        LeaseTimeouts timeouts = LeaseTimeouts.ofIoTimeout(Duration.ofMillis(Long.parseLong(argv[2])));
        org.diskpaxos.activedisk.AgentKey key = org.diskpaxos.activedisk.AgentKey.load(Path.of(argv[4]));
        List<java.net.InetSocketAddress> agents = new ArrayList<>();
        for (int i = 5; i < argv.length; i++) {
            int colon = argv[i].lastIndexOf(':');
            agents.add(new java.net.InetSocketAddress(argv[i].substring(0, colon),
                    Integer.parseInt(argv[i].substring(colon + 1))));
        }
        org.diskpaxos.lock.active.ActiveLeaseClient client = org.diskpaxos.lock.active.ActiveLeaseClient.open(
                new org.diskpaxos.lock.active.ActiveLeaseClient.Config(resource.lockspace(), hostId, agents, key,
                        timeouts, HostIdentity.local()));
        Lease lease = client.acquire(resource, LeaseOptions.EXCLUSIVE);
        System.out.println(HELD + lease.fence());
        System.out.flush();
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
