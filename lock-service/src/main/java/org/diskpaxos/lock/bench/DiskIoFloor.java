package org.diskpaxos.lock.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * The I/O an uncontended acquire and release cannot do without, issued directly — blocking calls, no event loop, no
 * lease logic — on the benchmark's own disks, in a spare resource area: the floor the measured figures stand on.
 *
 * <p>Acquire: write this host's block and read the {@code num_hosts} blocks once — the fast round, which a serial
 * cycle takes because its host was the last owner and starts from the leader it freed, without reading it (a host
 * taking the lease over from another reads the leader and runs phase 1 as well, which {@code dplock bench-paxos}
 * measures). Release: write the leader, marked free — the lease layer's only write of a release followed at once by
 * the next acquire (the acquire's own leader write and the release's RELEASED flag wait a moment and are then
 * superseded: {@code ResourceLeases.OWNER_LEADER_DELAY_NS}, {@code RELEASED_FLAG_DELAY_NS}). With several disks every step goes to all of them at once (one thread
 * per disk) and waits for all.
 */
final class DiskIoFloor implements BenchMode.IoFloor {
    private final List<BlockDevice> devices = new ArrayList<>();
    private final ExecutorService perDisk;
    private final long areaOffsetBytes;
    private final int sectorBytes;
    private final ByteBuffer[] sector;
    private final ByteBuffer[] ballot;

    DiskIoFloor(List<Path> disks, AreaGeometry geometry, int numHosts, long areaOffsetBytes) throws IOException {
        this.areaOffsetBytes = areaOffsetBytes;
        this.sectorBytes = geometry.sectorSizeBytes();
        try {
            for (Path p : disks) {
                devices.add(BlockDevices.open(p, BlockDeviceOptions.direct().withSectorSize(sectorBytes)));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.perDisk = disks.size() > 1 ? Executors.newFixedThreadPool(disks.size(), r -> {
            Thread t = new Thread(r, "bench-io-floor");
            t.setDaemon(true);
            return t;
        }) : null;
        sector = new ByteBuffer[disks.size()];
        ballot = new ByteBuffer[disks.size()];
        for (int d = 0; d < disks.size(); d++) {
            sector[d] = devices.get(d).allocateBuffer(sectorBytes);
            ballot[d] = devices.get(d).allocateBuffer(numHosts * sectorBytes);
        }
    }

    private interface Step {
        void on(int disk) throws IOException;
    }

    private void everywhere(Step step) throws IOException {
        if (perDisk == null) {
            step.on(0);
            return;
        }
        List<Future<Void>> done = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            int disk = d;
            done.add(perDisk.submit(() -> {
                step.on(disk);
                return null;
            }));
        }
        try {
            for (Future<Void> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    @Override
    public long[] cycle() throws IOException {
        long t0 = System.nanoTime();
        everywhere(d -> devices.get(d).write(areaOffsetBytes + 2L * sectorBytes, sector[d].clear()));
        everywhere(d -> devices.get(d).read(areaOffsetBytes + 2L * sectorBytes, ballot[d].clear()));
        long t1 = System.nanoTime();
        everywhere(d -> devices.get(d).write(areaOffsetBytes, sector[d].clear()));
        return new long[] {t1 - t0, System.nanoTime() - t1};
    }

    @Override
    public void close() {
        if (perDisk != null) {
            perDisk.shutdownNow();
        }
        for (BlockDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                // measuring is over; nothing depends on this close
            }
        }
    }
}
