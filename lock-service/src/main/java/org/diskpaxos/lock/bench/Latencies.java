package org.diskpaxos.lock.bench;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, in nanoseconds. Nearest-rank percentiles of the sorted samples (the same
 * definition as {@code dplock bench-io}).
 *
 * @param count how many samples
 * @param p50Ns median
 * @param p90Ns 90th percentile
 * @param p99Ns 99th percentile
 * @param maxNs the largest
 */
public record Latencies(int count, long p50Ns, long p90Ns, long p99Ns, long maxNs) {

    public static final Latencies NONE = new Latencies(0, 0, 0, 0, 0);

    /** The percentiles of {@code samples[0, count)}; the array is sorted in place. */
    public static Latencies of(long[] samples, int count) {
        if (count == 0) {
            return NONE;
        }
        Arrays.sort(samples, 0, count);
        return new Latencies(count, percentile(samples, count, 0.50), percentile(samples, count, 0.90),
                percentile(samples, count, 0.99), samples[count - 1]);
    }

    static long percentile(long[] sorted, int count, double q) {
        int index = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    /** The median of {@code values} (mean of the middle two for an even count); 0 for none. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
