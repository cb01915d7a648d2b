package org.diskpaxos.paxos.bench;

import java.util.Arrays;

/**
 * Summary of a set of latencies in nanoseconds: percentiles by the nearest-rank method, the mean, and the rate a
 * serial loop of such operations achieves ({@code 1e9 / mean}).
 *
 * @param count samples
 * @param p50Ns median
 * @param p90Ns 90th percentile
 * @param p99Ns 99th percentile
 * @param meanNs arithmetic mean
 */
public record Latencies(int count, long p50Ns, long p90Ns, long p99Ns, long meanNs) {

    /** Summarises {@code samplesNs} (not modified); at least one sample. */
    public static Latencies of(long[] samplesNs) {
        if (samplesNs.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] s = samplesNs.clone();
        Arrays.sort(s);
        long sum = 0;
        for (long v : s) {
            sum += v;
        }
        return new Latencies(s.length, percentile(s, 0.50), percentile(s, 0.90), percentile(s, 0.99), sum / s.length);
    }

    /** Operations per second of a serial loop: {@code 1e9 / mean}. */
    public double perSecond() {
        return meanNs <= 0 ? 0 : 1e9 / meanNs;
    }

    static long percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
