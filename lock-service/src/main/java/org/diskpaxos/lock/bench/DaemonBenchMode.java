package org.diskpaxos.lock.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.daemon.DaemonConfig;
import org.diskpaxos.lock.daemon.DaemonLeaseClient;
import org.diskpaxos.lock.daemon.DaemonLog;
import org.diskpaxos.lock.daemon.LockDaemon;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;

/**
 * {@code --mode daemon}: the same leases on the same files as {@code --mode disk}, but taken through a lock daemon
 * over its Unix socket ({@link DaemonLeaseClient}), so the difference between the two reports is the socket round
 * trip and the daemon's bookkeeping. The daemon runs in this JVM as host 1 (its victim pid is this process, which it
 * never signals); the resources are created beforehand by host 2, which then leaves.
 */
public final class DaemonBenchMode implements BenchMode {

    public static final String NAME = "daemon";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Setup open(BenchLayout layout, int resources, LeaseTimeouts timeouts, Path workDir) throws Exception {
        List<EmbeddedLeaseClient.Disk> disks = DiskBenchMode.format(layout, resources, timeouts, workDir);
        int maxResources = DiskBenchMode.maxResources(resources);
        List<ResourceId> ids = new ArrayList<>();
        try (EmbeddedLeaseClient creator = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(
                DiskBenchMode.LOCKSPACE, 2, disks, layout.geometry(), timeouts, maxResources, HostIdentity.local()))) {
            for (int r = 0; r < resources; r++) {
                creator.createResource("r" + r, layout.numHosts());
                ids.add(new ResourceId(DiskBenchMode.LOCKSPACE, "r" + r));
            }
        }
        // A short path: Unix socket paths are limited to 107 bytes, and the work directory may be deep.
        Path socketDir = Files.createTempDirectory("dplock-bench-");
        Path socket = socketDir.resolve("d.sock");
        DaemonConfig config = new DaemonConfig(1, socket, timeouts, Set.of(), null, "bench", List.of(
                new DaemonConfig.LockspaceConfig(DiskBenchMode.LOCKSPACE, disks, layout.geometry(), maxResources)),
                false, null);
        LockDaemon daemon = LockDaemon.start(config, new DaemonLog(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), false));
        DaemonLeaseClient client;
        DiskIoFloor floor;
        try {
            client = DaemonLeaseClient.connect(socket, "dplock bench");
            floor = new DiskIoFloor(disks.stream().map(EmbeddedLeaseClient.Disk::path).toList(), layout.geometry(),
                    layout.numHosts(), new LockspaceLayout(layout.geometry(), maxResources).resourceOffsetBytes(0,
                    resources));
        } catch (Exception | Error e) {
            daemon.close();
            LeaseBenchmark.deleteQuietly(socketDir);
            throw e;
        }
        DiskIoFloor ioFloor = floor;
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
                daemon.close();
                LeaseBenchmark.deleteQuietly(socketDir);
            }
        };
    }
}
