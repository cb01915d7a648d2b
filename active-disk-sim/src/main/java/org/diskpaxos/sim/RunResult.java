package org.diskpaxos.sim;

import java.util.List;
import org.diskpaxos.sim.fault.Tolerance;

/**
 * The outcome of one seed.
 *
 * @param failure      null when every invariant held (and, within tolerance, progress was made); else the
 *                     violation, naming its checker
 * @param recentTrace  the last trace records before the end or the failure
 * @param traceHash    hash of the whole event trace: equal for two runs of the same seed and code
 * @param wallNs       real time the run took, for speed reports only
 */
public record RunResult(long seed, String protocol, Tolerance tolerance, String failure, List<String> recentTrace,
        long eventCount, long virtualNs, String traceHash, long wallNs, String plan, String workloadSummary,
        String reproduceCommand) {

    public RunResult {
        recentTrace = List.copyOf(recentTrace);
    }

    public boolean passed() {
        return failure == null;
    }

    /** Events per millisecond of wall time. */
    public double eventsPerMs() {
        return wallNs == 0 ? 0 : eventCount / (wallNs / 1e6);
    }

    /** A report of a failed seed: what broke, where, the last events and how to rerun it. */
    public String failureReport() {
        StringBuilder b = new StringBuilder();
        b.append("seed ").append(seed).append(" (").append(protocol).append(", faults ").append(tolerance.cliName())
                .append(") FAILED: ").append(failure).append('\n');
        b.append("  plan: ").append(plan).append('\n');
        b.append("  trace hash ").append(traceHash).append(" after ").append(eventCount).append(" events\n");
        b.append("  last events:\n");
        for (String line : recentTrace) {
            b.append("    ").append(line).append('\n');
        }
        b.append("  reproduce: ").append(reproduceCommand);
        return b.toString();
    }
}
