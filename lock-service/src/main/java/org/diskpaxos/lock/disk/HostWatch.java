package org.diskpaxos.lock.disk;

import java.util.List;
import java.util.function.Consumer;
import org.diskpaxos.paxos.ondisk.LeaderRecord;

/**
 * Watches one host's delta lease until it shows the host alive or proves it dead, judging only by change seen on
 * this host's clock (no clock is compared across hosts).
 *
 * <p>The first successful read fixes a baseline per disk, at time {@code T0} (that read's start). Then, every
 * {@code renewInterval}:
 * <ul>
 *   <li>a different record on any baselined disk with the same owner and generation — the host renewed: ALIVE;</li>
 *   <li>a higher generation or another owner on any disk — the watched incarnation is gone: RESTARTED (a joiner
 *       takes a slot only after the previous holder's leases ran out, see {@link Lockspace});</li>
 *   <li>a free slot on every readable disk, and those are a majority: FREE;</li>
 *   <li>a read that started at or after {@code T0 + hostDead} in which a majority of the disks answered unchanged
 *       from their baselines: DEAD. Any renewal that reached a majority after the baseline lands on one of them (two
 *       majorities intersect), so it would have shown as a change.</li>
 * </ul>
 * If fewer than a majority of baselined disks keep answering, the watch starts over with a fresh baseline after
 * {@code 2 × hostDead} without a verdict, rather than judge on fewer disks.
 */
final class HostWatch {

    /** What the watch concluded. */
    enum Kind { ALIVE, RESTARTED, FREE, DEAD, GAVE_UP }

    /** The conclusion, with the newest record seen. */
    record Verdict(Kind kind, LeaderRecord lastSeen, String detail) {
        boolean alive() {
            return kind == Kind.ALIVE || kind == Kind.GAVE_UP;
        }
    }

    private final Lockspace lockspace;
    private final long hostId;
    private final long generation;
    private final Consumer<Verdict> done;
    private LeaderRecord[] baseline;
    private long baselineNs;
    private long giveUpAtNs;
    private boolean finished;

    /**
     * @param first an already-read slot to use as baseline (read at {@code firstReadStartNs}), or null to read one
     */
    HostWatch(Lockspace lockspace, long hostId, long generation, Lockspace.Slot first, long firstReadStartNs,
              Consumer<Verdict> done) {
        this.lockspace = lockspace;
        this.hostId = hostId;
        this.generation = generation;
        this.done = done;
        if (first != null && first.error() == null) {
            this.baseline = first.records().toArray(new LeaderRecord[0]);
            this.baselineNs = firstReadStartNs;
        }
    }

    /** Starts watching; gives up (GAVE_UP, counted as alive) once the loop's clock passes {@code giveUpAtNs}. */
    void start(long giveUpAtNs) {
        this.giveUpAtNs = giveUpAtNs;
        if (baseline == null) {
            poll();
        } else if (!judge(java.util.Arrays.asList(baseline), baselineNs)) {
            schedule();
        }
    }

    /** Stops the watch without a verdict. */
    void cancel() {
        finished = true;
    }

    private void schedule() {
        lockspace.loop().schedule(lockspace.timeouts().renewIntervalNs(), this::poll);
    }

    private void poll() {
        if (finished) {
            return;
        }
        long startNs = lockspace.loop().nowNs();
        if (startNs >= giveUpAtNs) {
            finish(new Verdict(Kind.GAVE_UP, newest(baseline), "stopped watching before a verdict"));
            return;
        }
        lockspace.readSlot(hostId, slot -> {
            if (finished) {
                return;
            }
            if (slot.error() != null && baseline == null) {
                schedule();
                return;
            }
            if (baseline == null) {
                baseline = slot.records().toArray(new LeaderRecord[0]);
                baselineNs = startNs;
                if (!judge(slot.records(), startNs)) {
                    schedule();
                }
                return;
            }
            if (!judge(slot.records(), startNs)) {
                schedule();
            }
        });
    }

    /** Judges one read (started at {@code readStartNs}); returns whether a verdict was given. */
    private boolean judge(List<LeaderRecord> records, long readStartNs) {
        boolean allFree = true;
        int freeRead = 0;
        int unchangedBaselined = 0;
        for (int d = 0; d < records.size(); d++) {
            LeaderRecord r = records.get(d);
            LeaderRecord base = baseline[d];
            if (r == null) {
                continue;
            }
            if (r.isFree()) {
                freeRead++;
                if (base != null) {
                    unchangedBaselined++; // left (or never joined): no renewal, no sign of life
                }
                continue;
            }
            allFree = false;
            if (r.ownerGeneration() > generation) {
                return finish(new Verdict(Kind.RESTARTED, r, "host " + hostId + " rejoined as generation "
                        + r.ownerGeneration() + " ('" + r.resourceName() + "')"));
            }
            if (base != null && !r.equals(base)) {
                return finish(new Verdict(Kind.ALIVE, r, "host " + hostId + " ('" + r.resourceName()
                        + "') renewed its delta lease"));
            }
            if (base != null) {
                unchangedBaselined++;
            }
        }
        // Free on a majority of disks, and nothing else read: a minority of readable disks proves nothing (one that
        // missed the host's join still holds the free slot: lease simulation seed 2422 granted a live holder's lease).
        if (allFree && freeRead >= records.size() / 2 + 1) {
            return finish(new Verdict(Kind.FREE, newest(records.toArray(new LeaderRecord[0])),
                    "host " + hostId + " left the lockspace"));
        }
        long hostDeadNs = lockspace.timeouts().hostDeadNs();
        if (readStartNs >= baselineNs + hostDeadNs) {
            if (unchangedBaselined >= records.size() / 2 + 1) {
                return finish(new Verdict(Kind.DEAD, newest(baseline), "host " + hostId
                        + "'s delta lease has not changed for " + (readStartNs - baselineNs) / 1_000_000 + " ms"));
            }
            if (readStartNs >= baselineNs + 2 * hostDeadNs) {
                baseline = records.toArray(new LeaderRecord[0]);
                baselineNs = readStartNs;
            }
        }
        return false;
    }

    private boolean finish(Verdict v) {
        if (!finished) {
            finished = true;
            done.accept(v);
        }
        return true;
    }

    private static LeaderRecord newest(LeaderRecord[] records) {
        LeaderRecord best = null;
        if (records == null) {
            return null;
        }
        for (LeaderRecord r : records) {
            if (r != null && (best == null || r.ownerGeneration() > best.ownerGeneration()
                    || r.ownerGeneration() == best.ownerGeneration() && r.timestamp() > best.timestamp())) {
                best = r;
            }
        }
        return best;
    }
}
