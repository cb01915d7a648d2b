package org.diskpaxos.lock.inspect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/** Three formatted disk files under target/ and embedded members of their lockspace, for inspection tests. */
public final class TestDisks implements AutoCloseable {
    public static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    public static final LeaseTimeouts TIMEOUTS = new LeaseTimeouts(100_000_000L, 100);
    public static final int MAX_RESOURCES = 16;

    public final Path dir;
    public final List<Path> files = new ArrayList<>();
    private final List<EmbeddedLeaseClient> clients = new ArrayList<>();

    public TestDisks(String lockspace) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", "test-tmp");
        Files.createDirectories(target);
        dir = Files.createTempDirectory(target, "disks-");
        LockspaceLayout layout = new LockspaceLayout(GEOMETRY, MAX_RESOURCES);
        List<LockspaceFormat.Target> targets = new ArrayList<>();
        List<BlockDevice> devices = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            Path f = dir.resolve("disk" + d);
            files.add(f);
            BlockDevice dev = BlockDevices.open(f, BlockDeviceOptions.direct().withSectorSize(512)
                    .withCreateSize(layout.bytesFor(4)));
            devices.add(dev);
            targets.add(new LockspaceFormat.Target(dev, 0));
        }
        LockspaceFormat.format(lockspace, layout, targets, 1, false);
        for (BlockDevice d : devices) {
            d.close();
        }
    }

    public EmbeddedLeaseClient member(String lockspace, int hostId) throws Exception {
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (Path f : files) {
            disks.add(new EmbeddedLeaseClient.Disk(f, 0));
        }
        HostIdentity identity = new HostIdentity(String.format("%016x", 0xd00000L + hostId), "00000000000000b1",
                "dump" + hostId);
        EmbeddedLeaseClient c = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(lockspace, hostId, disks,
                GEOMETRY, TIMEOUTS, MAX_RESOURCES, identity));
        clients.add(c);
        return c;
    }

    @Override
    public void close() throws IOException {
        for (EmbeddedLeaseClient c : clients) {
            c.close();
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
