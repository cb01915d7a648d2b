package org.diskpaxos.lock.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * Lockspaces on real files for the embedded-client tests: formats them, opens clients as distinct hosts, reads and
 * damages bytes, and removes everything afterwards (close it in {@code @AfterEach}).
 */
final class LeaseFixture implements AutoCloseable {
    /** Short enough for quick joins (settle = 2 io timeouts), long enough for a loaded machine's direct I/O. */
    static final LeaseTimeouts TIMEOUTS = new LeaseTimeouts(100_000_000L, 100);
    static final int MAX_RESOURCES = 8;

    final Path dir;
    final AreaGeometry geometry;
    final LockspaceLayout layout;
    final List<Path> disks = new ArrayList<>();
    private final List<EmbeddedLeaseClient> clients = new ArrayList<>();

    LeaseFixture(AreaGeometry geometry) throws IOException {
        this(geometry, Files.createTempDirectory(Files.createDirectories(Path.of("target")), "leases"));
    }

    /** A fixture whose files go in {@code dir} (which {@link #close()} empties and removes). */
    LeaseFixture(AreaGeometry geometry, Path dir) {
        this.dir = dir;
        this.geometry = geometry;
        this.layout = new LockspaceLayout(geometry, MAX_RESOURCES);
    }

    /** Creates {@code count} disk files named {@code prefix0..} and formats lockspace {@code name} on them. */
    List<Path> format(String name, int count, String prefix) throws IOException {
        List<Path> paths = new ArrayList<>();
        List<BlockDevice> devices = new ArrayList<>();
        List<LockspaceFormat.Target> targets = new ArrayList<>();
        try {
            for (int d = 0; d < count; d++) {
                Path p = dir.resolve(prefix + d);
                BlockDevice dev = BlockDevices.open(p, BlockDeviceOptions.direct()
                        .withSectorSize(geometry.sectorSizeBytes()).withCreateSize(layout.bytesFor(MAX_RESOURCES)));
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, 0));
                paths.add(p);
            }
            LockspaceFormat.format(name, layout, targets, 1, false);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
        return paths;
    }

    /** Formats lockspace {@code name} on {@code count} disks {@code disk0..}; they become this fixture's disks. */
    LeaseFixture lockspace(String name, int count) throws IOException {
        disks.addAll(format(name, count, "disk"));
        return this;
    }

    static HostIdentity identity(int hostId) {
        return new HostIdentity(String.format("%016x", 0xabc000L + hostId), "00000000000000b1", "test" + hostId);
    }

    EmbeddedLeaseClient.Config config(String lockspace, int hostId) {
        List<EmbeddedLeaseClient.Disk> ds = new ArrayList<>();
        for (Path p : disks) {
            ds.add(new EmbeddedLeaseClient.Disk(p, 0));
        }
        return new EmbeddedLeaseClient.Config(lockspace, hostId, ds, geometry, TIMEOUTS, MAX_RESOURCES,
                identity(hostId));
    }

    EmbeddedLeaseClient open(EmbeddedLeaseClient.Config config) throws LeaseException, InterruptedException {
        EmbeddedLeaseClient c = EmbeddedLeaseClient.open(config);
        clients.add(c);
        return c;
    }

    EmbeddedLeaseClient client(String lockspace, int hostId) throws LeaseException, InterruptedException {
        return open(config(lockspace, hostId));
    }

    /** Where resource index {@code index}'s lease area starts on every disk (base offset 0). */
    long resourceOffset(int index) {
        return layout.resourceOffsetBytes(0, index);
    }

    static byte[] read(Path file, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    break;
                }
            }
            return b.array();
        }
    }

    static byte[] readAll(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** Flips every bit of {@code length} bytes at {@code offset} (through the page cache, then fsync). */
    static void flip(Path file, long offset, int length) throws IOException {
        byte[] bytes = read(file, offset, length);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ~bytes[i];
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
            ch.force(true);
        }
    }

    /** Closes the clients opened through this fixture, leaving the files. */
    void closeClients() {
        for (EmbeddedLeaseClient c : clients) {
            c.close();
        }
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        closeClients();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
