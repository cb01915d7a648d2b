package org.diskpaxos.paxos.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.RankedRegister;

/**
 * Reads and writes of a sector range of one resource area on every disk at once, outside ballots: the request
 * record, the lock value block, this host's sector when only its flags or mode block change, and another host's mode
 * block. Used on the area's event loop only.
 *
 * <p>Writes go through a {@link SectorWriteGate} per disk chosen by the caller — the one of the sector written — so
 * one process never has two writes in flight to one sector, and a write that timed out holds the gate until its late
 * completion. A write operation reports as soon as its outcome is known (a majority of disks succeeded, or too many
 * failed for one) or at its deadline, without waiting for stragglers; {@link Written#ok} says which disks wrote.
 */
final class AreaSectors {

    private final EventLoop loop;
    private final List<DiskRankedRegister.Replica> replicas;
    private final long ioTimeoutNs;
    private final long opDeadlineNs;
    private long nextIoId = 3L << 48;

    AreaSectors(EventLoop loop, List<DiskRankedRegister.Replica> replicas, long ioTimeoutNs, long opDeadlineNs) {
        this.loop = loop;
        this.replicas = List.copyOf(replicas);
        this.ioTimeoutNs = ioTimeoutNs;
        this.opDeadlineNs = opDeadlineNs;
    }

    int diskCount() {
        return replicas.size();
    }

    int majority() {
        return replicas.size() / 2 + 1;
    }

    String where(int disk, long offsetInAreaBytes) {
        DiskRankedRegister.Replica r = replicas.get(disk);
        return "disk " + r.device().name() + " offset " + (r.areaOffsetBytes() + offsetInAreaBytes);
    }

    /** What one disk returned: the bytes, or why not. */
    record Read(ByteBuffer bytes, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    /** Which disks wrote (on time), how many, and why the others did not. */
    record Written(boolean[] ok, int succeeded, List<String> failures) {
    }

    /**
     * Reads {@code lengthBytes} at {@code offsetInAreaBytes} on every disk; {@code done} gets one result a disk once
     * every disk answered or timed out (only the caller can tell a right record from a wrong one).
     */
    void readAll(long offsetInAreaBytes, int lengthBytes, RankedRegister.Callback<List<Read>> done) {
        int n = replicas.size();
        Read[] results = new Read[n];
        int[] answered = {0};
        for (int d = 0; d < n; d++) {
            int disk = d;
            DiskRankedRegister.Replica r = replicas.get(d);
            IoBuffer buffer = new IoBuffer(aligned(lengthBytes));
            r.device().read(nextIoId++, r.areaOffsetBytes() + offsetInAreaBytes, buffer, lengthBytes, ioTimeoutNs,
                    result -> {
                        if (result.late()) {
                            return;
                        }
                        results[disk] = result.ok() ? new Read(buffer.bytes(), null)
                                : new Read(null, where(disk, offsetInAreaBytes) + ": read " + describe(result));
                        if (++answered[0] == n) {
                            done.done(List.of(results));
                        }
                    });
        }
    }

    /**
     * Reads back {@code expected} at {@code offsetInAreaBytes} on each disk {@code d} with {@code which[d]};
     * {@code done} gets, per disk, whether it holds exactly those bytes, once every disk read answered. A write that
     * a disk acknowledged but misdirected (it landed elsewhere) leaves the old content here: only a read shows it.
     */
    void readBack(long offsetInAreaBytes, byte[] expected, boolean[] which, RankedRegister.Callback<boolean[]> done) {
        readBack(offsetInAreaBytes, expected, which, replicas.size() + 1, done);
    }

    /**
     * {@link #readBack(long, byte[], boolean[], RankedRegister.Callback)}, answering as soon as {@code enough} disks
     * hold the bytes (the others' reads then no longer matter), or once every disk read answered.
     */
    void readBack(long offsetInAreaBytes, byte[] expected, boolean[] which, int enough,
                  RankedRegister.Callback<boolean[]> done) {
        int n = replicas.size();
        boolean[] matches = new boolean[n];
        int[] matched = {0};
        boolean[] reported = {false};
        int[] left = {0};
        for (boolean w : which) {
            left[0] += w ? 1 : 0;
        }
        if (left[0] == 0) {
            done.done(matches);
            return;
        }
        for (int d = 0; d < n; d++) {
            if (!which[d]) {
                continue;
            }
            int disk = d;
            DiskRankedRegister.Replica r = replicas.get(d);
            IoBuffer buffer = new IoBuffer(aligned(expected.length));
            r.device().read(nextIoId++, r.areaOffsetBytes() + offsetInAreaBytes, buffer, expected.length, ioTimeoutNs,
                    result -> {
                        if (result.late()) {
                            return;
                        }
                        if (result.ok()) {
                            byte[] got = new byte[expected.length];
                            buffer.bytes().get(0, got);
                            matches[disk] = java.util.Arrays.equals(got, expected);
                            matched[0] += matches[disk] ? 1 : 0;
                        }
                        if ((--left[0] == 0 || matched[0] >= enough) && !reported[0]) {
                            reported[0] = true;
                            done.done(matches.clone());
                        }
                    });
        }
    }

    /**
     * Writes {@code bytes[d]} at {@code offsetInAreaBytes} on each disk {@code d} whose entry is not null, through
     * {@code gates[d]}; a null entry counts as a failure described by {@code skipped[d]}. Reports once the outcome
     * for a majority is known.
     */
    void writeAll(long offsetInAreaBytes, byte[][] bytes, String[] skipped, SectorWriteGate[] gates,
                  RankedRegister.Callback<Written> done) {
        writeAll(offsetInAreaBytes, bytes, skipped, gates, false, done);
    }

    /** As above; with {@code waitForAll}, reports only once every disk written answered (or at the deadline). */
    void writeAll(long offsetInAreaBytes, byte[][] bytes, String[] skipped, SectorWriteGate[] gates, boolean waitForAll,
                  RankedRegister.Callback<Written> done) {
        int n = replicas.size();
        boolean[] ok = new boolean[n];
        int[] succeeded = {0};
        int[] failed = {0};
        boolean[] reported = {false};
        List<String> failures = new ArrayList<>();
        EventLoop.Scheduled[] deadline = new EventLoop.Scheduled[1];
        Runnable report = () -> {
            if (!reported[0]) {
                reported[0] = true;
                if (deadline[0] != null) {
                    deadline[0].cancel();
                }
                done.done(new Written(ok.clone(), succeeded[0], List.copyOf(failures)));
            }
        };
        RankedRegister.Callback<Integer> judge = disk -> {
            if (!waitForAll && (succeeded[0] >= majority() || failed[0] > n - majority())
                    || succeeded[0] + failed[0] == n) {
                report.run();
            }
        };
        for (int d = 0; d < n; d++) {
            if (bytes[d] == null) {
                failed[0]++;
                failures.add(skipped == null || skipped[d] == null ? where(d, offsetInAreaBytes) + ": not written"
                        : skipped[d]);
            }
        }
        if (failed[0] > 0) {
            judge.done(-1);
        }
        if (reported[0]) {
            return;
        }
        deadline[0] = loop.schedule(opDeadlineNs, () -> {
            if (!reported[0]) {
                failures.add("no answer from " + (n - succeeded[0] - failed[0]) + " disks before the deadline");
                report.run();
            }
        });
        for (int d = 0; d < n; d++) {
            if (bytes[d] == null) {
                continue;
            }
            int disk = d;
            RankedRegister.Callback<IoResult> finished = result -> {
                if (reported[0]) {
                    return;
                }
                if (result.ok()) {
                    ok[disk] = true;
                    succeeded[0]++;
                } else {
                    failed[0]++;
                    failures.add(where(disk, offsetInAreaBytes) + ": write " + describe(result));
                }
                judge.done(disk);
            };
            submitWrite(disk, offsetInAreaBytes, bytes[d], gates[d], finished);
        }
    }

    /**
     * Runs {@code then} once every write submitted so far through {@code gates} has completed for good — on time, or
     * late after a timeout — so none of them can still land; or at the operation deadline, whichever comes first (a
     * disk that stopped for good never completes its writes). A barrier goes through each gate behind its writes.
     */
    void afterWritesSettle(SectorWriteGate[] gates, Runnable then) {
        int[] left = {gates.length};
        boolean[] ran = {false};
        EventLoop.Scheduled[] deadline = new EventLoop.Scheduled[1];
        Runnable finish = () -> {
            if (!ran[0]) {
                ran[0] = true;
                if (deadline[0] != null) {
                    deadline[0].cancel();
                }
                then.run();
            }
        };
        deadline[0] = loop.schedule(opDeadlineNs, finish);
        for (SectorWriteGate gate : gates) {
            boolean accepted = gate.submit(() -> {
                gate.done();
                if (--left[0] == 0) {
                    finish.run();
                }
            });
            if (!accepted) {
                left[0]--;
            }
        }
        if (left[0] == 0) {
            finish.run();
        }
    }

    private void submitWrite(int disk, long offsetInAreaBytes, byte[] sector, SectorWriteGate gate,
                             RankedRegister.Callback<IoResult> finished) {
        DiskRankedRegister.Replica r = replicas.get(disk);
        IoBuffer buffer = new IoBuffer(aligned(sector.length));
        buffer.bytes().put(0, sector);
        long ioId = nextIoId++;
        boolean accepted = gate.submit(() -> r.device().write(ioId, r.areaOffsetBytes() + offsetInAreaBytes, buffer,
                sector.length, ioTimeoutNs, result -> {
                    if (result.late()) {
                        gate.done();
                        return;
                    }
                    if (result.ok() && r.syncAfterWrite()) {
                        r.device().sync(ioId, ioTimeoutNs, s -> {
                            if (s.status() != IoResult.Status.TIMED_OUT) {
                                gate.done();
                            }
                            if (!s.late()) {
                                finished.done(s);
                            }
                        });
                        return;
                    }
                    if (result.status() != IoResult.Status.TIMED_OUT) {
                        gate.done();
                    }
                    finished.done(result);
                }));
        if (!accepted) {
            loop.execute(() -> finished.done(new IoResult(ioId, IoResult.Kind.WRITE, IoResult.Status.FAILED,
                    new IOException(SectorWriteGate.QUEUED_MAX + " earlier writes to this sector are pending"),
                    false)));
        }
    }

    private static String describe(IoResult r) {
        return r.status() == IoResult.Status.TIMED_OUT ? "timed out"
                : "failed: " + (r.error() == null ? "error" : r.error().getMessage());
    }

    private static ByteBuffer aligned(int lengthBytes) {
        return BlockDevices.alignedDirectBuffer(lengthBytes, BufferPool.ALIGNMENT_BYTES);
    }
}
