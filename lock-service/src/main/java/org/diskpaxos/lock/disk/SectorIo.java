package org.diskpaxos.lock.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.disk.SectorWriteGate;

/**
 * Reads and writes of one sector range of an area on every disk at once, on the area's event loop: the I/O
 * pattern of delta leases. Writes complete as soon as the outcome is known — a majority of disks succeeded, or too
 * many failed for a majority — without waiting for stragglers (a stopped disk must not stall a renewal); reads wait
 * for every disk (bounded by the I/O timeout), since only the caller can tell a right record from a wrong one. Writes
 * go through a {@link SectorWriteGate} per disk, so a late write never overwrites a later one.
 */
final class SectorIo {
    private static final int ALIGNMENT = 4096;

    private final List<AreaDisk> disks;
    private final long ioTimeoutNs;
    private final SectorWriteGate[] gates;
    private long nextIoId = 1;

    SectorIo(List<AreaDisk> disks, long ioTimeoutNs) {
        this.disks = List.copyOf(disks);
        this.ioTimeoutNs = ioTimeoutNs;
        this.gates = new SectorWriteGate[this.disks.size()];
        for (int d = 0; d < gates.length; d++) {
            gates[d] = new SectorWriteGate();
        }
    }

    int diskCount() {
        return disks.size();
    }

    int majority() {
        return disks.size() / 2 + 1;
    }

    AreaDisk disk(int d) {
        return disks.get(d);
    }

    /** What one disk returned: the bytes, or why not. */
    record Read(ByteBuffer bytes, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    /**
     * Reads {@code lengthBytes} at {@code offsetInAreaBytes} on every disk; {@code done} gets one result a disk once
     * every disk answered or timed out.
     */
    void readAll(long offsetInAreaBytes, int lengthBytes, RankedRegister.Callback<List<Read>> done) {
        int n = disks.size();
        Read[] results = new Read[n];
        int[] ok = {0};
        int[] failed = {0};
        boolean[] reported = {false};
        for (int d = 0; d < n; d++) {
            int disk = d;
            AreaDisk a = disks.get(d);
            IoBuffer buffer = new IoBuffer(aligned(lengthBytes));
            a.device().read(nextIoId++, a.areaOffsetBytes() + offsetInAreaBytes, buffer, lengthBytes, ioTimeoutNs,
                    result -> {
                        if (result.late() || reported[0]) {
                            return;
                        }
                        if (result.ok()) {
                            results[disk] = new Read(buffer.bytes(), null);
                            ok[0]++;
                        } else {
                            results[disk] = new Read(null, a.where(offsetInAreaBytes) + ": read " + describe(result));
                            failed[0]++;
                        }
                        // Every disk (each read is bounded by the I/O timeout): a disk that answers may still hold
                        // the wrong record, which only the caller can judge, so an early majority is no majority.
                        if (ok[0] + failed[0] == n) {
                            reported[0] = true;
                            List<Read> view = new ArrayList<>(n);
                            for (Read r : results) {
                                view.add(r == null ? new Read(null, "no answer yet") : r);
                            }
                            done.done(view);
                        }
                    });
        }
    }

    /**
     * Writes {@code sector} at {@code offsetInAreaBytes} on every disk (after the previous write to it on that disk
     * has finished); {@code done} gets the failures, one a disk that failed, and the count that succeeded.
     */
    void writeAll(long offsetInAreaBytes, byte[] sector, RankedRegister.Callback<WriteOutcome> done) {
        int n = disks.size();
        int[] answered = {0};
        int[] ok = {0};
        boolean[] reported = {false};
        List<String> failures = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            int disk = d;
            AreaDisk a = disks.get(d);
            IoBuffer buffer = new IoBuffer(aligned(sector.length));
            buffer.bytes().put(0, sector);
            long ioId = nextIoId++;
            RankedRegister.Callback<IoResult> finished = result -> {
                if (result.ok()) {
                    ok[0]++;
                } else {
                    failures.add(a.where(offsetInAreaBytes) + ": write " + describe(result));
                }
                ++answered[0];
                if (!reported[0] && (ok[0] >= majority() || failures.size() > n - majority() || answered[0] == n)) {
                    reported[0] = true;
                    done.done(new WriteOutcome(ok[0], List.copyOf(failures)));
                }
            };
            boolean accepted = gates[disk].submit(() -> a.device().write(ioId, a.areaOffsetBytes() + offsetInAreaBytes,
                    buffer, sector.length, ioTimeoutNs, result -> {
                        if (result.status() != IoResult.Status.TIMED_OUT && !(result.ok() && a.syncAfterWrite()
                                && !result.late())) {
                            gates[disk].done();
                        }
                        if (result.late()) {
                            return;
                        }
                        if (result.ok() && a.syncAfterWrite()) {
                            a.device().sync(ioId, ioTimeoutNs, s -> {
                                if (s.status() != IoResult.Status.TIMED_OUT) {
                                    gates[disk].done();
                                }
                                if (!s.late()) {
                                    finished.done(s);
                                }
                            });
                        } else {
                            finished.done(result);
                        }
                    }));
            if (!accepted) {
                finished.done(new IoResult(ioId, IoResult.Kind.WRITE, IoResult.Status.FAILED,
                        new java.io.IOException(SectorWriteGate.QUEUED_MAX + " earlier writes have not completed"),
                        false));
            }
        }
    }

    /** How many disks a write reached, and why the others failed. */
    record WriteOutcome(int succeeded, List<String> failures) {
    }

    private static String describe(IoResult r) {
        return r.status() == IoResult.Status.TIMED_OUT ? "timed out"
                : "failed: " + (r.error() == null ? "error" : r.error().getMessage());
    }

    private static ByteBuffer aligned(int lengthBytes) {
        return BlockDevices.alignedDirectBuffer(lengthBytes, ALIGNMENT);
    }
}
