package org.diskpaxos.lock.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;

/**
 * {@code --mode disk}: Disk Paxos leases on files. Creates one zero-filled file per disk in the work directory,
 * formats a lockspace on them ({@link LockspaceFormat}), joins it as host 1 through an {@link EmbeddedLeaseClient}
 * (direct I/O) and creates resources {@code r0, r1, ...} with the layout's {@code num_hosts}.
 */
public final class DiskBenchMode implements BenchMode {

    public static final String NAME = "disk";
    /** The lockspace name used on the benchmark's files. */
    static final String LOCKSPACE = "bench";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Setup open(BenchLayout layout, int resources, LeaseTimeouts timeouts, Path workDir) throws Exception {
        List<EmbeddedLeaseClient.Disk> disks = format(layout, resources, timeouts, workDir);
        int maxResources = maxResources(resources);
        EmbeddedLeaseClient.Config config = new EmbeddedLeaseClient.Config(LOCKSPACE, 1, disks, layout.geometry(),
                timeouts, maxResources, HostIdentity.local());
        EmbeddedLeaseClient client = EmbeddedLeaseClient.open(config);
        DiskIoFloor floor = null;
        try {
            // A slot the index never hands out here (resources r0.. take the first ones): the floor's own area.
            floor = new DiskIoFloor(disks.stream().map(EmbeddedLeaseClient.Disk::path).toList(), layout.geometry(),
                    layout.numHosts(), new LockspaceLayout(layout.geometry(), maxResources).resourceOffsetBytes(0,
                    resources));
            DiskIoFloor ioFloor = floor;
            List<ResourceId> ids = new ArrayList<>();
            for (int r = 0; r < resources; r++) {
                client.createResource("r" + r, layout.numHosts());
                ids.add(new ResourceId(LOCKSPACE, "r" + r));
            }
            return new Setup() {
                @Override
                public LeaseClient client() {
                    return client;
                }

                @Override
                public List<ResourceId> resources() {
                    return ids;
                }

                @Override
                public IoFloor ioFloor() {
                    return ioFloor;
                }

                @Override
                public void close() {
                    ioFloor.close();
                    client.close();
                }
            };
        } catch (Exception | Error e) {
            if (floor != null) {
                floor.close();
            }
            client.close();
            throw e;
        }
    }

    /** Index size for {@code resources} resources, with at least one slot to spare (the I/O floor's area). */
    static int maxResources(int resources) {
        return Math.max(16, resources + 1);
    }

    /** Creates and formats the layout's disk files in {@code workDir}; returns them as a client's disks. */
    static List<EmbeddedLeaseClient.Disk> format(BenchLayout layout, int resources, LeaseTimeouts timeouts,
            Path workDir) throws IOException {
        LockspaceLayout lockspaceLayout = new LockspaceLayout(layout.geometry(), maxResources(resources));
        List<BlockDevice> devices = new ArrayList<>();
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        try {
            List<LockspaceFormat.Target> targets = new ArrayList<>();
            for (int d = 0; d < layout.disks(); d++) {
                Path file = workDir.resolve("disk" + d + ".img");
                BlockDevice dev = BlockDevices.open(file, BlockDeviceOptions.direct()
                        .withSectorSize(layout.geometry().sectorSizeBytes())
                        .withCreateSize(lockspaceLayout.bytesFor(lockspaceLayout.maxResources())));
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, 0));
                disks.add(new EmbeddedLeaseClient.Disk(file, 0));
            }
            int ioTimeoutSeconds = (int) Math.max(1, Math.min(255, (timeouts.ioTimeoutNs() + 999_999_999L)
                    / 1_000_000_000L));
            LockspaceFormat.format(LOCKSPACE, lockspaceLayout, targets, ioTimeoutSeconds, false);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
        return disks;
    }
}
