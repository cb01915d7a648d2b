package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.Verdict;

/** Helpers for tests on real files and loop devices: creating backing files, reading what is on the disks. */
final class RealDisks {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private RealDisks() {
    }

    /** Zero-filled files {@code name-0.img ...} of {@code sizeBytes} in {@code dir} (written, not sparse). */
    static List<Path> files(Path dir, String name, int count, long sizeBytes) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve(name + "-" + i + ".img");
            BlockDevices.open(f, BlockDeviceOptions.direct().withCreateSize(sizeBytes)).close();
            files.add(f);
        }
        return files;
    }

    static List<ResourceDisks.Location> at(List<Path> paths, long offsetBytes) {
        List<ResourceDisks.Location> l = new ArrayList<>();
        for (Path p : paths) {
            l.add(new ResourceDisks.Location(p, offsetBytes));
        }
        return l;
    }

    /** The area's first {@code lengthBytes}, read with a fresh direct open (what another host would see). */
    static ByteBuffer read(ResourceDisks.Location location, AreaGeometry g, int lengthBytes) throws IOException {
        try (BlockDevice d = BlockDevices.open(location.path(),
                BlockDeviceOptions.direct().withSectorSize(g.sectorSizeBytes()).withReadOnly(true))) {
            ByteBuffer b = d.allocateBuffer(lengthBytes);
            d.read(location.areaOffsetBytes(), b);
            return b.clear();
        }
    }

    /** The valid leader record on disk at {@code location}; fails the test if it is not valid. */
    static LeaderRecord leader(ResourceDisks.Location location, AreaGeometry g) throws IOException {
        Decoded<LeaderRecord> d = LeaderRecordDescriptor.decode(read(location, g, g.sectorSizeBytes()), 0);
        assertEquals(Verdict.VALID, d.verdict(), location + ": " + d.reason());
        return d.value();
    }

    static DiskPaxosResource.Acquired acquire(ResourceDisks disks, DiskPaxosResource r,
                                               org.diskpaxos.paxos.core.Inp value, long generation, long timestamp)
            throws TimeoutException, InterruptedException {
        return disks.call(cb -> r.acquire(value, generation, timestamp, cb), CALL_TIMEOUT);
    }
}
