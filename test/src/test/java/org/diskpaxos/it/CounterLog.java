package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link FencedCounter}'s log after a run of {@link ContendingHost}s with kills and pauses.
 * <ul>
 *   <li><b>no two holders at once</b>: every hold, from its acquire's return to its release (or its kill, or its
 *       lease's deadline if it was lost, or the first pause of its process), is disjoint in time from every other
 *       hold (all processes log times of the same monotonic clock);</li>
 *   <li><b>one token, one holder; tokens grow</b>: each token was handed to one process, and tokens increase from
 *       each hold to the next;</li>
 *   <li><b>no stale write from a process that was never paused</b>: the storage refused an old token only from a
 *       process that had been SIGSTOPped — a process that ran freely never acted on a lease it no longer held
 *       (the paused ones are what fencing is for);</li>
 *   <li><b>no increment lost, none doubled, none interleaved</b>: accepted values are 1..N in log order, each
 *       written with the token of the hold it belongs to and while no newer token had written, and the counter
 *       is N; a process that exited normally reported exactly as many accepted increments as the log holds.</li>
 * </ul>
 */
final class CounterLog {
    private CounterLog() {
    }

    /** What the harness did to the processes, on the shared monotonic clock. */
    record Chaos(Map<Long, Long> killedAtNs, Map<Long, List<long[]>> pausesNs, Map<Long, Long> acksByPid) {
    }

    /** What the run did. */
    record Summary(long increments, int holds, int rejects, int pausedHolds, int killedHolds) {
    }

    private static final class Hold {
        final long fence;
        final long pid;
        final long startNs;
        long endNs = Long.MAX_VALUE;
        boolean ended;
        boolean clippedByPause;
        boolean killed;

        Hold(long fence, long pid, long startNs) {
            this.fence = fence;
            this.pid = pid;
            this.startNs = startNs;
        }
    }

    static Summary verify(Path counter, Path log, Chaos chaos) throws IOException {
        List<String> lines = Files.readAllLines(log);
        Map<Long, Hold> holds = new HashMap<>();
        Map<Long, Long> okByPid = new HashMap<>();
        long expected = 1;
        long newestWritten = Long.MIN_VALUE;
        int rejects = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] f = line.split(" ");
            String at = "log line " + (i + 1) + " '" + line + "'";
            if (f.length < 5) {
                fail(at + ": not a log line");
            }
            long fence = Long.parseLong(f[1]);
            long pid = Long.parseLong(f[3]);
            switch (f[0]) {
                case "ACQ" -> {
                    Hold previous = holds.putIfAbsent(fence, new Hold(fence, pid, Long.parseLong(f[4])));
                    assertTrue(previous == null, at + ": token " + fence + " was handed out twice (also to process "
                            + (previous == null ? "" : previous.pid) + ")");
                }
                case "REL" -> {
                    Hold h = holds.get(fence);
                    assertTrue(h != null && h.pid == pid, at + ": release of a hold never acquired");
                    h.endNs = Long.parseLong(f[4]);
                    h.ended = true;
                }
                case "OK" -> {
                    long value = Long.parseLong(f[4]);
                    assertEquals(expected, value, at + ": increment lost or doubled");
                    expected++;
                    Hold h = holds.get(fence);
                    assertTrue(h != null && h.pid == pid, at + ": increment with token " + fence
                            + " outside a hold of process " + pid);
                    assertTrue(fence >= newestWritten, at + ": token " + fence + " wrote after token "
                            + newestWritten + " (two holders interleaved)");
                    newestWritten = fence;
                    okByPid.merge(pid, 1L, Long::sum);
                }
                case "REJECT" -> {
                    assertTrue(chaos.pausesNs().containsKey(pid), at + ": the storage refused a stale token from "
                            + "process " + pid + ", which was never paused: it acted on a lease it no longer held");
                    rejects++;
                }
                default -> fail(at + ": not a log line");
            }
        }
        int paused = 0;
        int killed = 0;
        for (Hold h : holds.values()) {
            Long killedAt = chaos.killedAtNs().get(h.pid);
            if (!h.ended) {
                assertTrue(killedAt != null, "process " + h.pid + " never released token " + h.fence
                        + " and was not killed");
                h.endNs = killedAt;
                h.killed = true;
                killed++;
            }
            for (long[] pause : chaos.pausesNs().getOrDefault(h.pid, List.of())) {
                if (pause[1] >= h.startNs && pause[0] < h.endNs) {
                    h.endNs = Math.max(h.startNs, pause[0]);
                    h.clippedByPause = true;
                }
            }
            paused += h.clippedByPause ? 1 : 0;
        }
        List<Hold> byStart = new ArrayList<>(holds.values());
        byStart.sort(Comparator.comparingLong(h -> h.startNs));
        Hold endsLast = null;
        Hold newestToken = null;
        for (Hold h : byStart) {
            if (newestToken != null) {
                assertTrue(h.fence > newestToken.fence, "token " + h.fence + " (process " + h.pid + ") was acquired "
                        + "after token " + newestToken.fence + " (process " + newestToken.pid + ")");
            }
            newestToken = h;
            if (h.endNs <= h.startNs) {
                continue; // lost before its acquire even returned (its process was paused meanwhile): no hold at all
            }
            if (endsLast != null) {
                assertTrue(h.startNs >= endsLast.endNs, "process " + h.pid + " held token " + h.fence + " from "
                        + h.startNs + " while process " + endsLast.pid + " held token " + endsLast.fence + " until "
                        + endsLast.endNs + (endsLast.killed ? " (killed)" : "") + ": two holders at once");
            }
            if (endsLast == null || h.endNs > endsLast.endNs) {
                endsLast = h;
            }
        }
        try (FileChannel c = FileChannel.open(counter, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(expected - 1, FencedCounter.redo(c, log)[0], "the counter disagrees with the log");
        }
        for (Map.Entry<Long, Long> a : chaos.acksByPid().entrySet()) {
            assertEquals(a.getValue(), okByPid.getOrDefault(a.getKey(), 0L), "process " + a.getKey()
                    + " was told its increments were accepted, but the log holds a different number");
        }
        return new Summary(expected - 1, holds.size(), rejects, paused, killed);
    }
}
