package org.diskpaxos.activedisk.sim;

/**
 * Accepts each request id of one client session at most once, as TCP would, although the simulated network
 * duplicates and reorders (IPsec's anti-replay window): ids above the highest seen are accepted and slide the
 * window; ids inside the window are accepted once; ids below it are refused (too old to tell). Without it, a
 * duplicated compare-and-write would run twice and its second, failing reply could overtake the first.
 */
public final class ReplayWindow {
    /** Ids tracked below the highest seen. */
    public static final int WIDTH = 1024;

    private final long[] bits = new long[WIDTH / 64];
    private long highest;

    /** Whether {@code id} (positive) is new; records it. */
    public boolean accept(long id) {
        if (id <= 0) {
            return false;
        }
        if (id > highest) {
            long shift = id - highest;
            if (shift >= WIDTH) {
                java.util.Arrays.fill(bits, 0);
            } else {
                for (long i = highest + 1; i <= id; i++) {
                    clear(i);
                }
            }
            highest = id;
            set(id);
            return true;
        }
        if (highest - id >= WIDTH) {
            return false;
        }
        if (isSet(id)) {
            return false;
        }
        set(id);
        return true;
    }

    private int index(long id) {
        return (int) (id % WIDTH);
    }

    private void set(long id) {
        bits[index(id) >> 6] |= 1L << (index(id) & 63);
    }

    private void clear(long id) {
        bits[index(id) >> 6] &= ~(1L << (index(id) & 63));
    }

    private boolean isSet(long id) {
        return (bits[index(id) >> 6] & (1L << (index(id) & 63))) != 0;
    }
}
