package org.diskpaxos.sim.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;

/** A scheduler, a medium and helpers for driving disk stages directly in tests. */
final class DiskKit {
    static final int SECTOR = 512;
    static final int SECTORS = 64;

    final Scheduler scheduler = new Scheduler(new EventTrace());
    final DiskGeometry geometry = new DiskGeometry(SECTOR, SECTORS);
    final MemoryMedium medium = new MemoryMedium(0, geometry, scheduler);
    final List<DiskFaultEvent> faults = new ArrayList<>();
    private long nextId;

    DiskEnv env(long seed) {
        return new DiskEnv(0, geometry, scheduler, new Prng(seed), faults::add);
    }

    /** The outcome of one request, and when it arrived. */
    static final class Reply {
        DiskOutcome outcome;
        long atNs = -1;
        int count;

        boolean done() {
            return outcome != null;
        }
    }

    DiskRequest write(long sector, byte[] data) {
        return new DiskRequest(nextId++, 0, 0, 1, nextId, DiskRequest.Kind.WRITE, sector * SECTOR, data.length,
                ByteBuffer.wrap(data.clone()));
    }

    DiskRequest read(long sector, int sectors) {
        return new DiskRequest(nextId++, 0, 0, 1, nextId, DiskRequest.Kind.READ, sector * SECTOR, sectors * SECTOR,
                ByteBuffer.allocate(sectors * SECTOR));
    }

    DiskRequest sync() {
        return new DiskRequest(nextId++, 0, 0, 1, nextId, DiskRequest.Kind.SYNC, 0, 0, null);
    }

    Reply submit(DiskStage stage, DiskRequest request) {
        Reply reply = new Reply();
        stage.submit(request, outcome -> {
            reply.outcome = outcome;
            reply.atNs = scheduler.nowNs();
            reply.count++;
        });
        return reply;
    }

    void runAll() {
        int guard = 0;
        while (scheduler.runNext(Long.MAX_VALUE)) {
            if (++guard > 10_000_000) {
                throw new AssertionError("runaway scheduler");
            }
        }
    }

    void runUntil(long ns) {
        while (scheduler.runNext(ns)) {
            continue;
        }
        scheduler.advanceTo(Math.max(ns, scheduler.nowNs()));
    }

    /** {@code sectors} sectors of bytes drawn from {@code seed}. */
    static byte[] data(long seed, int sectors) {
        byte[] b = new byte[sectors * SECTOR];
        Prng p = new Prng(seed);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) p.nextInt(256);
        }
        return b;
    }

    /** Fills the whole medium with a known pattern (one write through the medium). */
    void fill(long seed) {
        Reply r = submit(medium, write(0, data(seed, SECTORS)));
        if (!r.done() || !r.outcome.ok()) {
            throw new AssertionError("fill failed");
        }
    }

    byte[] sectors(long first, int count) {
        byte[] out = new byte[count * SECTOR];
        for (int i = 0; i < count; i++) {
            System.arraycopy(medium.sector(first + i), 0, out, i * SECTOR, SECTOR);
        }
        return out;
    }

    static byte[] bytes(DiskRequest r) {
        byte[] out = new byte[r.lengthBytes()];
        r.buffer().get(r.bufferOffset(), out, 0, out.length);
        return out;
    }

    /** What a sequence of I/Os did: each reply's outcome, each read's data, and the final image. */
    record Transcript(List<String> outcomes, List<byte[]> reads, byte[] image) {
        boolean sameAs(Transcript other) {
            if (!outcomes.equals(other.outcomes) || reads.size() != other.reads.size()
                    || !Arrays.equals(image, other.image)) {
                return false;
            }
            for (int i = 0; i < reads.size(); i++) {
                if (!Arrays.equals(reads.get(i), other.reads.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Runs {@code count} random reads, writes and syncs from {@code seed}, one at a time to completion, through
     * the stage {@code decorate} builds on a fresh medium; then reads the whole disk through it and syncs.
     */
    static Transcript transcript(long seed, int count, BiFunction<DiskKit, DiskStage, DiskStage> decorate) {
        DiskKit kit = new DiskKit();
        kit.fill(seed ^ 0x5555);
        DiskStage stage = decorate.apply(kit, kit.medium);
        Prng p = new Prng(seed);
        List<String> outcomes = new ArrayList<>();
        List<byte[]> reads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = p.nextInt(10);
            int sectors = 1 + p.nextInt(4);
            long first = p.nextInt(SECTORS - sectors + 1);
            DiskRequest r = kind < 4 ? kit.read(first, sectors)
                    : kind < 9 ? kit.write(first, data(p.nextLong(), sectors)) : kit.sync();
            Reply reply = kit.submit(stage, r);
            kit.runAll();
            if (reply.count != 1) {
                throw new AssertionError("request answered " + reply.count + " times");
            }
            outcomes.add(reply.outcome.ok() ? "ok" : "failed");
            if (r.kind() == DiskRequest.Kind.READ) {
                reads.add(bytes(r));
            }
        }
        DiskRequest all = kit.read(0, SECTORS);
        Reply seen = kit.submit(stage, all);
        Reply synced = kit.submit(stage, kit.sync());
        kit.runAll();
        outcomes.add(seen.outcome.ok() + "/" + synced.outcome.ok());
        reads.add(bytes(all));
        return new Transcript(outcomes, reads, kit.medium.snapshot());
    }
}
