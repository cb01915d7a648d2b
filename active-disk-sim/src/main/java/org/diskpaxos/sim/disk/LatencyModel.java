package org.diskpaxos.sim.disk;

import org.diskpaxos.sim.Prng;

/**
 * A latency distribution: {@code minNs} plus an exponential with mean {@code meanNs - minNs}, cut at
 * {@code maxNs}. {@code minNs == maxNs} is a fixed latency.
 */
public record LatencyModel(long minNs, long meanNs, long maxNs) {
    /** Limit on any single latency: ten seconds. */
    public static final long LATENCY_NS_MAX = 10_000_000_000L;

    public LatencyModel {
        if (minNs < 0 || meanNs < minNs || maxNs < meanNs || maxNs > LATENCY_NS_MAX) {
            throw new IllegalArgumentException("latency needs 0 <= min <= mean <= max <= " + LATENCY_NS_MAX
                    + " ns, got " + minNs + ", " + meanNs + ", " + maxNs);
        }
    }

    public static LatencyModel fixed(long latencyNs) {
        return new LatencyModel(latencyNs, latencyNs, latencyNs);
    }

    public long sampleNs(Prng prng) {
        if (minNs == maxNs) {
            return minNs;
        }
        return Math.min(maxNs, minNs + prng.exponential(meanNs - minNs));
    }
}
