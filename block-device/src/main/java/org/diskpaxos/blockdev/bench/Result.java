package org.diskpaxos.blockdev.bench;

/**
 * The latencies of one (target, backend, op), in nanoseconds.
 *
 * @param target       "file", "loop" or "memory"
 * @param backend      "direct", "mapped" or "memory"
 * @param op           the transfer pattern
 * @param count        transfers measured
 * @param p50Ns        per-transfer median
 * @param p90Ns        per-transfer 90th percentile
 * @param p99Ns        per-transfer 99th percentile
 * @param batchMeanNs  median over rounds of (round time / transfers): the figure compared with dd
 * @param ddBatchMeanNs the same for dd (median over dd runs of its reported copy time / count); -1 when not run
 * @param note         why something was left out, or empty
 */
public record Result(String target, String backend, Op op, int count, long p50Ns, long p90Ns, long p99Ns,
                     long batchMeanNs, long ddBatchMeanNs, String note) {

    /** Our batch mean over dd's; NaN when dd was not run. */
    public double ratioToDd() {
        return ddBatchMeanNs <= 0 ? Double.NaN : (double) batchMeanNs / ddBatchMeanNs;
    }
}
