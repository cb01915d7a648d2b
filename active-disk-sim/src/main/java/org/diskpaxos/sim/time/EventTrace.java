package org.diskpaxos.sim.time;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.diskpaxos.sim.Prng;

/**
 * The run's event trace: a running 64-bit hash of every record (two runs of one seed must end with the same hash,
 * FoundationDB's "unseed" check), the last {@link #RECENT_MAX} records for failure reports, and an optional sink
 * that receives every record as a line (for {@code --trace}).
 *
 * <p>Records are five numbers, never formatted unless shown, so tracing costs a few nanoseconds.
 */
public final class EventTrace {
    public static final int RECENT_MAX = 64;

    private long hash = 0x243F6A8885A308D3L;
    private long recordCount;
    private final TraceKind[] recentKinds = new TraceKind[RECENT_MAX];
    private final long[] recentTimesNs = new long[RECENT_MAX];
    private final int[] recentSubjects = new int[RECENT_MAX];
    private final long[] recentA = new long[RECENT_MAX];
    private final long[] recentB = new long[RECENT_MAX];
    private Consumer<String> sink;

    /** Adds one record to the hash and to the recent window. */
    public void record(TraceKind kind, long timeNs, int subject, long a, long b) {
        long h = hash;
        h = Prng.mix64(h ^ (((long) kind.ordinal() << 32) | (subject & 0xFFFFFFFFL)));
        h = Prng.mix64(h ^ timeNs);
        h = Prng.mix64(h ^ a);
        h = Prng.mix64(h ^ b);
        hash = h;
        int slot = (int) (recordCount % RECENT_MAX);
        recentKinds[slot] = kind;
        recentTimesNs[slot] = timeNs;
        recentSubjects[slot] = subject;
        recentA[slot] = a;
        recentB[slot] = b;
        recordCount++;
        if (sink != null) {
            sink.accept(format(kind, timeNs, subject, a, b));
        }
    }

    /** Cheaper than {@link #record} for the scheduler's per-event mark: only the time enters the hash. */
    public void markEvent(long timeNs) {
        hash = Prng.mix64(hash ^ timeNs);
    }

    public long hash() {
        return hash;
    }

    /** The hash as 16 hex digits. */
    public String hashHex() {
        return String.format(Locale.ROOT, "%016x", hash);
    }

    public long recordCount() {
        return recordCount;
    }

    /** Sends every later record, formatted, to {@code sink}; null stops it. */
    public void setSink(Consumer<String> sink) {
        this.sink = sink;
    }

    /** The last records, oldest first, formatted. */
    public List<String> recent() {
        int n = (int) Math.min(recordCount, RECENT_MAX);
        List<String> lines = new ArrayList<>(n);
        for (long i = recordCount - n; i < recordCount; i++) {
            int s = (int) (i % RECENT_MAX);
            lines.add(format(recentKinds[s], recentTimesNs[s], recentSubjects[s], recentA[s], recentB[s]));
        }
        return lines;
    }

    static String format(TraceKind kind, long timeNs, int subject, long a, long b) {
        return String.format(Locale.ROOT, "%s %-12s %3d %d %d", formatTime(timeNs), kind, subject, a, b);
    }

    /** Virtual nanoseconds as seconds with nine decimals. */
    public static String formatTime(long timeNs) {
        return String.format(Locale.ROOT, "%d.%09ds", timeNs / 1_000_000_000L, timeNs % 1_000_000_000L);
    }
}
