package org.diskpaxos.paxos.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.diskpaxos.nativeio.AlignedBuffer;
import org.diskpaxos.nativeio.NativeFile;
import org.diskpaxos.nativeio.OpenFlag;

/**
 * The physical floor of one Disk Paxos ballot's I/O, without any protocol: per phase and per disk, one
 * {@code sectorSizeBytes} O_DIRECT+O_DSYNC write of the host's own sector ({@code hostId + 1}), then one O_DIRECT
 * read of the {@code numHosts} block sectors (from sector 2); two phases; the disks in parallel. As in the protocol,
 * a phase counts as done when a majority of the disks have done both transfers: the phase time is the
 * majority-th smallest of the per-disk (write + read) times.
 *
 * <p>Two measurements of the same pattern:
 * <ul>
 *   <li>{@link #raw}: a minimal Java loop of {@code pwrite}/{@code pread} through the native module, one thread per
 *       disk, every transfer timed on its thread (with several disks a barrier starts each phase on all of them;
 *       its wake-up is not timed);</li>
 *   <li>{@link #dd}: GNU dd making many transfers of each kind per process (the disks' processes running at once),
 *       timed by dd's own reported copy time divided by the count, so process start-up is not counted.</li>
 * </ul>
 * Both need files of their own: the writes put zeros in the host's sector. The raw loop also times the recovery
 * read of the own sector that every new instance of ours does first (phase 0), reported apart.
 */
final class BallotFloor {
    static final int PHASES = 2;
    private static final long BARRIER_WAIT_S = 60;

    private BallotFloor() {
    }

    /**
     * Per-iteration floors in nanoseconds from the raw native loop: {@code ballotNs} for the two phases, and
     * {@code phase0Ns} for the one thing our ballots do beyond them, the recovery read of the own sector (timed
     * separately, before the phases).
     */
    record Raw(long[] ballotNs, long[] phase0Ns) {
    }

    /** Measures {@code iterations} iterations of the pattern with the raw native loop. */
    static Raw raw(List<Path> files, int sectorSizeBytes, int hostId, int numHosts, int iterations)
            throws IOException {
        int n = files.size();
        long[][][] perDisk = new long[n][iterations][PHASES + 1];
        List<NativeFile> opened = new ArrayList<>();
        try {
            for (Path f : files) {
                opened.add(NativeFile.open(f, EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC)));
            }
            // Every disk on a thread of its own, also a single disk, so that every configuration is measured alike.
            CyclicBarrier barrier = n == 1 ? null : new CyclicBarrier(n);
            List<Thread> threads = new ArrayList<>();
            IOException[] failure = new IOException[n];
            for (int d = 0; d < n; d++) {
                int disk = d;
                Thread t = new Thread(() -> {
                    try {
                        loop(opened.get(disk), sectorSizeBytes, hostId, numHosts, iterations, perDisk[disk],
                                barrier);
                    } catch (IOException e) {
                        failure[disk] = e;
                        if (barrier != null) {
                            barrier.reset();
                        }
                    }
                }, "floor-disk-" + d);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (IOException e : failure) {
                if (e != null) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted measuring the raw floor", e);
        } finally {
            for (NativeFile f : opened) {
                f.close();
            }
        }
        return new Raw(combine(perDisk, iterations, 1, PHASES), combine(perDisk, iterations, 0, 0));
    }

    private static void loop(NativeFile file, int sector, int hostId, int numHosts, int iterations, long[][] out,
                             CyclicBarrier barrier) throws IOException {
        try (AlignedBuffer write = AlignedBuffer.allocate(sector, 4096);
             AlignedBuffer read = AlignedBuffer.allocate(numHosts * sector, 4096)) {
            long ownOffset = (long) (hostId + 1) * sector;
            long blocksOffset = 2L * sector;
            for (int i = 0; i < iterations; i++) {
                if (barrier != null) {
                    await(barrier);
                }
                long r0 = System.nanoTime();
                ByteBuffer own = read.buffer().clear().limit(sector);
                while (own.hasRemaining()) {
                    if (file.pread(own, ownOffset + own.position()) == 0) {
                        throw new IOException(file.path() + ": end of file at offset " + ownOffset);
                    }
                }
                out[i][0] = System.nanoTime() - r0;
                for (int p = 1; p <= PHASES; p++) {
                    if (barrier != null) {
                        await(barrier);
                    }
                    long t0 = System.nanoTime();
                    ByteBuffer w = write.buffer().clear();
                    while (w.hasRemaining()) {
                        file.pwrite(w, ownOffset + w.position());
                    }
                    ByteBuffer r = read.buffer().clear();
                    while (r.hasRemaining()) {
                        if (file.pread(r, blocksOffset + r.position()) == 0) {
                            throw new IOException(file.path() + ": end of file at offset " + (blocksOffset
                                    + r.position()));
                        }
                    }
                    out[i][p] = System.nanoTime() - t0;
                }
            }
        }
    }

    private static void await(CyclicBarrier barrier) throws IOException {
        try {
            barrier.await(BARRIER_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IOException("another disk's floor loop failed or stalled", e);
        }
    }

    /** The most bytes a dd floor file may take. */
    static final long DD_FILE_BYTES_MAX = 128L << 20;

    /** How many transfers of each kind one dd run may make within {@link #DD_FILE_BYTES_MAX}. */
    static int ddTransfersMax(int sectorSizeBytes, int numHosts) {
        return (int) ((DD_FILE_BYTES_MAX - 2L * sectorSizeBytes) / ((long) numHosts * sectorSizeBytes));
    }

    /** Bytes a dd floor file needs (whole MiB) for {@code transfers} transfers of each kind. */
    static long ddFileBytes(int sectorSizeBytes, int hostId, int numHosts, int transfers) {
        long writes = (long) (hostId + 1 + transfers) * sectorSizeBytes;
        long reads = 2L * sectorSizeBytes + (long) transfers * numHosts * sectorSizeBytes;
        long mib = 1L << 20;
        return Math.max(writes, reads) / mib * mib + mib;
    }

    /**
     * One dd estimate, in nanoseconds, of the floor of one ballot. On every disk at once, one dd process writes
     * {@code transfers} sectors one at a time from the own sector on (O_DIRECT+O_DSYNC, each write synchronous); then
     * on every disk at once one dd process reads {@code transfers} consecutive {@code num_hosts}-sector blocks from
     * sector 2 on (O_DIRECT). dd's own copy time divided by the count is the time per transfer, free of process
     * start-up; per disk the time of a write plus a read, the majority-th fastest disk, times the two phases. The
     * transfers go to consecutive places rather than the same one again (dd cannot repeat an offset), so the files
     * must be {@link #ddFileBytes} long.
     */
    static long dd(List<Path> files, int sectorSizeBytes, int hostId, int numHosts, int transfers)
            throws IOException {
        if (transfers < 1 || transfers > ddTransfersMax(sectorSizeBytes, numHosts)) {
            throw new IllegalArgumentException("dd transfers must be 1.." + ddTransfersMax(sectorSizeBytes, numHosts)
                    + ", got " + transfers);
        }
        int n = files.size();
        List<DdTransfer> writes = new ArrayList<>();
        List<DdTransfer> reads = new ArrayList<>();
        for (Path f : files) {
            writes.add(new DdTransfer(f, true, (long) (hostId + 1) * sectorSizeBytes, sectorSizeBytes, transfers));
            reads.add(new DdTransfer(f, false, 2L * sectorSizeBytes, numHosts * sectorSizeBytes, transfers));
        }
        double[] w = DdTransfer.runAll(writes);
        double[] r = DdTransfer.runAll(reads);
        long[][][] perDisk = new long[n][1][PHASES + 1];
        for (int d = 0; d < n; d++) {
            long phase = Math.round((w[d] + r[d]) * 1e9 / transfers);
            for (int p = 1; p <= PHASES; p++) {
                perDisk[d][0][p] = phase;
            }
        }
        return combine(perDisk, 1, 1, PHASES)[0];
    }

    /**
     * Per iteration: the sum over steps {@code firstStep..lastStep} (step 0 is the phase-0 read, 1 and 2 the phases)
     * of the majority-th smallest per-disk time of the step.
     */
    static long[] combine(long[][][] perDisk, int iterations, int firstStep, int lastStep) {
        int n = perDisk.length;
        int majority = n / 2 + 1;
        long[] floors = new long[iterations];
        long[] phase = new long[n];
        for (int i = 0; i < iterations; i++) {
            long total = 0;
            for (int p = firstStep; p <= lastStep; p++) {
                for (int d = 0; d < n; d++) {
                    phase[d] = perDisk[d][i][p];
                }
                Arrays.sort(phase);
                total += phase[majority - 1];
            }
            floors[i] = total;
        }
        return floors;
    }
}
