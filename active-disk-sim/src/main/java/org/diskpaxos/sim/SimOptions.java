package org.diskpaxos.sim;

import java.util.Locale;
import org.diskpaxos.sim.fault.Tolerance;

/**
 * What {@code dplock sim} runs: one protocol's workload over the seeds {@code seedStart ..
 * seedStart + seedCount - 1}, with faults within or beyond tolerance, for {@code durationNs} of virtual time each
 * (0: the workload's default).
 *
 * @param verbose     print every seed's fault plan and workload statistics
 * @param traceEvents print every trace record (for one seed: it is long)
 */
public record SimOptions(String protocol, long seedStart, int seedCount, Tolerance tolerance, long durationNs,
        boolean verbose, boolean traceEvents) {
    /** Limit on seeds per invocation. */
    public static final int SEEDS_MAX = 10_000_000;
    /** Limit on a run's virtual duration: one hour. */
    public static final long DURATION_NS_MAX = 3_600_000_000_000L;

    public SimOptions {
        if (seedCount < 1 || seedCount > SEEDS_MAX) {
            throw new IllegalArgumentException("--seeds must be in [1, " + SEEDS_MAX + "], got " + seedCount);
        }
        if (durationNs < 0 || durationNs > DURATION_NS_MAX) {
            throw new IllegalArgumentException("--duration must be at most one hour of virtual time");
        }
        if (seedStart > Long.MAX_VALUE - seedCount) {
            throw new IllegalArgumentException("--start is too large for " + seedCount + " seeds");
        }
    }

    /** The command line that reruns exactly {@code seed}. */
    public String reproduceCommand(long seed) {
        StringBuilder b = new StringBuilder("./dplock sim --protocol ").append(protocol).append(" --faults ")
                .append(tolerance.cliName()).append(" --seed ").append(seed);
        if (durationNs > 0) {
            b.append(" --duration ").append(formatDuration(durationNs));
        }
        return b.toString();
    }

    static String formatDuration(long ns) {
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        return String.format(Locale.ROOT, "%dus", ns / 1_000L);
    }
}
