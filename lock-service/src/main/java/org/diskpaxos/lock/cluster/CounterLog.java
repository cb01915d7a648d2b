package org.diskpaxos.lock.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shared counter's log, as {@link CounterWorkload}'s increment script writes it while holding the lock, and the
 * checks that prove the lock worked. Each critical section appends, with one {@code write} each:
 * <pre>
 *  begin  FENCE HOST T_BEGIN PID            when it starts (after the lease was granted)
 *  commit N FENCE HOST T_BEGIN T_END        when it ends: the counter's new value N
 *  reject FENCE HOST T REASON               if it found a token not above the last committed one (and stopped)
 * </pre>
 * Times are the wall clock in seconds (bash's {@code EPOCHREALTIME}), shared by every process on the machine. The
 * log is the counter: its value is the last commit's N.
 *
 * <p>What must hold if no lease was ever granted twice and every stopped holder stopped in time:
 * <ul>
 *   <li>commits count 1, 2, 3, ... with no value twice or skipped: no lost increment;</li>
 *   <li>the fences of successive begins strictly increase: tokens only grow, and no holder of an older lease began
 *       after a newer one;</li>
 *   <li>each commit belongs to the critical section begun last (same fence), and no begin falls between a begin
 *       and its commit: no two critical sections overlapped;</li>
 *   <li>no reject: no stale token ever reached the "storage".</li>
 * </ul>
 * A begin without a commit is a critical section cut short (its host was killed, or its lease lost): allowed, and
 * counted.
 */
public final class CounterLog {

    private CounterLog() {
    }

    /** One parsed line. */
    public record Line(String kind, long value, long fence, int host, double beginS, double endS) {
    }

    /**
     * What the log shows.
     *
     * @param commits      committed increments (the counter's value if consistent)
     * @param begins       critical sections begun
     * @param interrupted  begun but never committed
     * @param lastFence    the highest fence seen
     * @param violations   every broken property, with the line number; empty if the lock held
     * @param lines        the parsed lines, in order
     */
    public record Check(int commits, int begins, int interrupted, long lastFence, List<String> violations,
                        List<Line> lines) {
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    /** Parses and checks the log's lines. */
    public static Check check(List<String> text) {
        List<String> violations = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        long lastValue = 0;
        long lastBeginFence = 0;
        Line open = null;
        int begins = 0;
        int commits = 0;
        int interrupted = 0;
        long maxFence = 0;
        for (int i = 0; i < text.size(); i++) {
            String raw = text.get(i);
            if (raw.isBlank()) {
                continue;
            }
            Line l = parse(raw);
            int n = i + 1;
            if (l == null) {
                violations.add("line " + n + ": malformed: '" + raw + "'");
                continue;
            }
            lines.add(l);
            maxFence = Math.max(maxFence, l.fence());
            switch (l.kind()) {
                case "begin" -> {
                    begins++;
                    if (open != null) {
                        interrupted++; // the previous section never committed (its holder was stopped)
                    }
                    if (l.fence() <= lastBeginFence) {
                        violations.add("line " + n + ": host " + l.host() + " began with fence " + l.fence()
                                + " after a critical section with fence " + lastBeginFence + " began: a stale holder");
                    }
                    lastBeginFence = Math.max(lastBeginFence, l.fence());
                    open = l;
                }
                case "commit" -> {
                    commits++;
                    if (l.value() != lastValue + 1) {
                        violations.add("line " + n + ": host " + l.host() + " committed " + l.value() + " after "
                                + lastValue + (l.value() <= lastValue ? ": an increment was lost (two holders read"
                                + " the same value)" : ": a value was skipped"));
                    }
                    lastValue = l.value();
                    if (open == null || open.fence() != l.fence() || open.host() != l.host()) {
                        violations.add("line " + n + ": host " + l.host() + " committed under fence " + l.fence()
                                + " but the last critical section begun was " + (open == null ? "none"
                                : "host " + open.host() + "'s with fence " + open.fence())
                                + ": two critical sections overlapped");
                    }
                    if (l.endS() < l.beginS()) {
                        violations.add("line " + n + ": ends before it begins");
                    }
                    open = null;
                }
                default -> violations.add("line " + n + ": host " + l.host() + " found its fence " + l.fence()
                        + " stale: a holder with an old token reached the storage");
            }
        }
        if (open != null) {
            interrupted++;
        }
        return new Check(commits, begins, interrupted, maxFence, List.copyOf(violations), List.copyOf(lines));
    }

    /** One line, or null if it is not one the script writes. */
    public static Line parse(String raw) {
        String[] f = raw.trim().split("\\s+");
        try {
            switch (f[0]) {
                case "begin":
                    return f.length == 5 ? new Line("begin", 0, Long.parseLong(f[1]), Integer.parseInt(f[2]),
                            Double.parseDouble(f[3]), Double.NaN) : null;
                case "commit":
                    return f.length == 6 ? new Line("commit", Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Integer.parseInt(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])) : null;
                case "reject":
                    return f.length >= 4 ? new Line("reject", 0, Long.parseLong(f[1]), Integer.parseInt(f[2]),
                            Double.parseDouble(f[3]), Double.NaN) : null;
                default:
                    return null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * After host {@code host} was stopped at {@code atMs} (wall clock): if it was inside a critical section then,
     * how long until another host began one: the failover, in ms. -1 if it was not inside one, or nobody began
     * after it.
     */
    public static long failoverMs(List<Line> lines, int host, long atMs) {
        double at = atMs / 1000.0;
        Line inside = null;
        for (Line l : lines) {
            double t = l.kind().equals("commit") ? l.endS() : l.beginS();
            if (t > at) {
                break;
            }
            inside = l.kind().equals("begin") ? l : null;
        }
        if (inside == null || inside.host() != host) {
            return -1;
        }
        for (Line l : lines) {
            if (l.kind().equals("begin") && l.beginS() > at && l.host() != host) {
                return Math.round((l.beginS() - at) * 1000);
            }
        }
        return -1;
    }

    /** "1234.5 ms" style, for reports. */
    static String ms(double ms) {
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
