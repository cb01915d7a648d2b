package org.diskpaxos.sim.workload;

import java.nio.ByteBuffer;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Prng;

/**
 * One host incarnation of the disk-io workload: {@link #SLOTS} chains of random sector I/O against every disk,
 * each chain issuing its next I/O a random think time after the previous one ended or timed out. Uses only its
 * {@link HostContext} (event loop and {@code AsyncBlockDevice}s), as a production driver would.
 *
 * <p>Buffers are per disk, so I/O stuck on one disk (a timed-out buffer stays claimed until its late result)
 * starves only that disk's share of the work.
 */
final class DiskIoHost {
    static final int SLOTS = 4;
    static final int BUFFERS_PER_DISK = 3;
    static final int SECTORS_PER_IO_MAX = 4;
    static final long TIMEOUT_NS = 50_000_000L;
    static final long THINK_NS_MEAN = 100_000L;
    static final long RETRY_NS = 1_000_000L;

    private final HostContext context;
    private final DiskIoWorkload workload;
    private final SectorOracle oracle;
    private final Prng prng;
    private final IoBuffer[][] buffers;
    private final int sectorSizeBytes;
    private final int hotSectors;

    DiskIoHost(HostContext context, DiskIoWorkload workload, SectorOracle oracle, int sectorSizeBytes,
            int hotSectors) {
        this.context = context;
        this.workload = workload;
        this.oracle = oracle;
        this.prng = context.prng();
        this.sectorSizeBytes = sectorSizeBytes;
        this.hotSectors = hotSectors;
        this.buffers = new IoBuffer[context.disks().size()][BUFFERS_PER_DISK];
        for (IoBuffer[] perDisk : buffers) {
            for (int i = 0; i < perDisk.length; i++) {
                perDisk[i] = new IoBuffer(ByteBuffer.allocate(SECTORS_PER_IO_MAX * sectorSizeBytes));
            }
        }
    }

    void start() {
        if (buffers.length == 0) {
            return;
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            thinkThenIssue();
        }
    }

    private void thinkThenIssue() {
        context.loop().schedule(prng.exponential(THINK_NS_MEAN), this::issue);
    }

    private void issue() {
        int diskCount = buffers.length;
        int first = prng.nextInt(diskCount);
        for (int k = 0; k < diskCount; k++) {
            int disk = (first + k) % diskCount;
            IoBuffer buffer = freeBuffer(disk);
            if (buffer != null) {
                issue(disk, buffer);
                return;
            }
        }
        context.loop().schedule(RETRY_NS, this::issue);
    }

    private IoBuffer freeBuffer(int disk) {
        for (IoBuffer b : buffers[disk]) {
            if (!b.inFlight()) {
                return b;
            }
        }
        return null;
    }

    private void issue(int disk, IoBuffer buffer) {
        AsyncBlockDevice device = context.disks().get(disk);
        int roll = prng.nextInt(100);
        long sector = prng.nextInt(hotSectors);
        int count = (int) Math.min(1 + prng.nextInt(SECTORS_PER_IO_MAX), hotSectors - sector);
        long offset = sector * sectorSizeBytes;
        int length = count * sectorSizeBytes;
        if (roll < 45) {
            long id = oracle.nextId();
            oracle.readSubmitted(id, context.hostIndex(), context.incarnation(), disk, sector, count);
            device.read(id, offset, buffer, length, TIMEOUT_NS, r -> onRead(r, disk, buffer));
        } else if (roll < 90) {
            long id = oracle.nextId();
            oracle.encode(buffer.bytes(), disk, id, sector, count);
            oracle.writeSubmitted(id, disk, sector, count);
            device.write(id, offset, buffer, length, TIMEOUT_NS, r -> onWrite(r, disk));
        } else {
            long id = oracle.nextId();
            oracle.syncSubmitted(id, disk);
            device.sync(id, TIMEOUT_NS, this::onSync);
        }
    }

    private void onRead(IoResult result, int disk, IoBuffer buffer) {
        workload.completed(context, disk, false, result);
        if (result.status() != IoResult.Status.TIMED_OUT) {
            oracle.readFinished(result.ioId(), disk, result.ok(), buffer.bytes());
        }
        if (!result.late()) {
            thinkThenIssue();
        }
    }

    private void onWrite(IoResult result, int disk) {
        workload.completed(context, disk, true, result);
        if (result.status() != IoResult.Status.TIMED_OUT) {
            oracle.writeFinished(result.ioId(), result.ok());
        }
        if (!result.late()) {
            thinkThenIssue();
        }
    }

    private void onSync(IoResult result) {
        if (result.status() != IoResult.Status.TIMED_OUT) {
            oracle.syncFinished(result.ioId(), result.ok());
        }
        if (!result.late()) {
            thinkThenIssue();
        }
    }
}
