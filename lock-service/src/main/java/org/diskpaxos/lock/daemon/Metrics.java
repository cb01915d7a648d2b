package org.diskpaxos.lock.daemon;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The daemon's counters and latency histograms, rendered in the Prometheus text format (version 0.0.4) for
 * {@code GET /metrics}.
 */
public final class Metrics {

    /** A latency histogram with fixed buckets, in seconds. */
    public static final class Histogram {
        private static final double[] BOUNDS_S = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};
        private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_S.length + 1);
        private final AtomicLong sumNs = new AtomicLong();

        public void record(long ns) {
            double s = ns / 1e9;
            int i = 0;
            while (i < BOUNDS_S.length && s > BOUNDS_S[i]) {
                i++;
            }
            counts.incrementAndGet(i);
            sumNs.addAndGet(ns);
        }

        void render(StringBuilder b, String name, String help) {
            b.append("# HELP ").append(name).append(' ').append(help).append('\n');
            b.append("# TYPE ").append(name).append(" histogram\n");
            long cumulative = 0;
            for (int i = 0; i < BOUNDS_S.length; i++) {
                cumulative += counts.get(i);
                b.append(name).append("_bucket{le=\"").append(BOUNDS_S[i]).append("\"} ").append(cumulative)
                        .append('\n');
            }
            cumulative += counts.get(BOUNDS_S.length);
            b.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
            b.append(name).append("_sum ").append(sumNs.get() / 1e9).append('\n');
            b.append(name).append("_count ").append(cumulative).append('\n');
        }
    }

    final AtomicLong connections = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong protocolErrors = new AtomicLong();
    final AtomicLong leasesHeld = new AtomicLong();
    final AtomicLong leasesLost = new AtomicLong();
    final AtomicLong acquireBusy = new AtomicLong();
    final AtomicLong acquireFailed = new AtomicLong();
    final AtomicLong kills = new AtomicLong();
    final Histogram acquireLatency = new Histogram();

    /** The exposition text. */
    public String render() {
        StringBuilder b = new StringBuilder(2048);
        gauge(b, "dplock_connections", "client connections open", connections.get());
        counter(b, "dplock_requests_total", "requests received", requests.get());
        counter(b, "dplock_protocol_errors_total", "connections closed for malformed input", protocolErrors.get());
        gauge(b, "dplock_leases_held", "leases held for clients", leasesHeld.get());
        counter(b, "dplock_leases_lost_total", "leases lost while held", leasesLost.get());
        counter(b, "dplock_acquire_busy_total", "acquires refused: held by another host", acquireBusy.get());
        counter(b, "dplock_acquire_failed_total", "acquires that failed (disks, membership, bad request)",
                acquireFailed.get());
        counter(b, "dplock_kills_total", "signals sent to holders of lost leases", kills.get());
        acquireLatency.render(b, "dplock_acquire_seconds", "time to acquire a lease");
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name)
                .append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name)
                .append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }
}
