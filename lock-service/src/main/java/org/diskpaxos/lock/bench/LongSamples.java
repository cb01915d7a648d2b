package org.diskpaxos.lock.bench;

import java.util.Arrays;

/** A growable array of long samples, owned by one thread while measuring; capped at {@link #CAPACITY_MAX}. */
final class LongSamples {
    /** At most this many samples are kept (16 M, 128 MiB); later ones are counted but not stored. */
    static final int CAPACITY_MAX = 1 << 24;

    private long[] values = new long[4096];
    private int size;
    private long dropped;

    void add(long v) {
        if (size == values.length) {
            if (size == CAPACITY_MAX) {
                dropped++;
                return;
            }
            values = Arrays.copyOf(values, Math.min(CAPACITY_MAX, size * 2));
        }
        values[size++] = v;
    }

    void addAll(LongSamples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
        dropped += other.dropped;
    }

    int size() {
        return size;
    }

    long dropped() {
        return dropped;
    }

    /** The percentiles; sorts the samples in place. */
    Latencies latencies() {
        return Latencies.of(values, size);
    }
}
