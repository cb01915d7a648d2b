package org.diskpaxos.sim.host;

/**
 * A simulated host's monotonic clock as a function of global virtual time: piecewise linear,
 * {@code hostNs = anchorHostNs + elapsed + round(elapsed * (rate - 1))} with {@code elapsed = trueNs - anchorTrueNs},
 * re-anchored whenever the rate changes or the clock steps. (Rounding only the small drift term keeps readings
 * exact at rate 1 and within half a nanosecond otherwise; it is non-decreasing for rates of at least 0.5.)
 *
 * <p>Models what {@code CLOCK_MONOTONIC} does on a real host: it starts at an arbitrary value, runs a little fast
 * or slow (drift, as a rate {@code 1 + ppm / 10^6}), may jump forward (a step, e.g. after a VM is suspended), and
 * never goes backwards. It keeps running while the host is paused: a process stopped by SIGSTOP or a GC pause
 * finds its monotonic clock has moved on when it resumes.
 *
 * <p>Invariants: {@link #hostNsAt} is non-decreasing in its argument; {@link #trueNsWhen} returns the first true
 * instant (not before the anchor) at which the host clock has reached the given reading.
 */
public final class HostClock {
    /** Limits on the rate: a drift of ±50% is already far beyond any real oscillator. */
    public static final double RATE_MIN = 0.5;
    public static final double RATE_MAX = 1.5;
    /** Limit on a single forward step: one day. */
    public static final long STEP_NS_MAX = 86_400_000_000_000L;
    /** Host readings are kept below this, far from overflow. */
    static final long HOST_NS_MAX = Long.MAX_VALUE / 4;

    private long anchorTrueNs;
    private long anchorHostNs;
    private double rate = 1.0;
    private double drift;

    /** A clock reading {@code startHostNs} at true time {@code startTrueNs}, at rate 1. */
    public HostClock(long startTrueNs, long startHostNs) {
        if (startHostNs < 0 || startHostNs > HOST_NS_MAX / 2) {
            throw new IllegalArgumentException("start reading out of range: " + startHostNs);
        }
        this.anchorTrueNs = startTrueNs;
        this.anchorHostNs = startHostNs;
    }

    /** The host's reading at true time {@code trueNs} (not before the last re-anchoring). */
    public long hostNsAt(long trueNs) {
        if (trueNs < anchorTrueNs) {
            throw new IllegalArgumentException("true time " + trueNs + " is before the clock's anchor " + anchorTrueNs);
        }
        long elapsedNs = trueNs - anchorTrueNs;
        long scaled = drift == 0 ? elapsedNs : elapsedNs + Math.round(elapsedNs * drift);
        return Math.min(HOST_NS_MAX, anchorHostNs + scaled);
    }

    /**
     * The earliest true time, not before the anchor, at which this clock reads at least {@code hostNs}, under the
     * current rate; {@link Long#MAX_VALUE} when that is beyond the clock's range.
     */
    public long trueNsWhen(long hostNs) {
        if (hostNs <= anchorHostNs) {
            return anchorTrueNs;
        }
        if (hostNs >= HOST_NS_MAX) {
            return Long.MAX_VALUE;
        }
        double neededTrueNs = Math.ceil((hostNs - anchorHostNs) / rate);
        if (neededTrueNs >= HOST_NS_MAX) {
            return Long.MAX_VALUE;
        }
        long t = anchorTrueNs + (long) neededTrueNs;
        for (int i = 0; i < 8 && hostNsAt(t) < hostNs; i++) {
            t++;
        }
        for (int i = 0; i < 8 && t > anchorTrueNs && hostNsAt(t - 1) >= hostNs; i++) {
            t--;
        }
        if (hostNsAt(t) < hostNs) {
            throw new IllegalStateException("clock inverse did not converge for " + hostNs);
        }
        return t;
    }

    /** Changes the rate from true time {@code trueNowNs} on; the reading at that instant is unchanged. */
    public void setRate(long trueNowNs, double newRate) {
        if (!(newRate >= RATE_MIN && newRate <= RATE_MAX)) {
            throw new IllegalArgumentException("clock rate " + newRate + " outside [" + RATE_MIN + ", " + RATE_MAX + "]");
        }
        reanchor(trueNowNs);
        rate = newRate;
        drift = newRate - 1.0;
    }

    /** Sets the drift in parts per million (rate {@code 1 + ppm/10^6}). */
    public void setDriftPpm(long trueNowNs, double driftPpm) {
        setRate(trueNowNs, 1.0 + driftPpm / 1_000_000.0);
    }

    /** Jumps the clock forward by {@code stepNs} at true time {@code trueNowNs}. Monotonic clocks never go back. */
    public void stepForward(long trueNowNs, long stepNs) {
        if (stepNs < 0 || stepNs > STEP_NS_MAX) {
            throw new IllegalArgumentException("clock step must be in [0, " + STEP_NS_MAX + "] ns, got " + stepNs
                    + ": a monotonic clock never goes backwards");
        }
        reanchor(trueNowNs);
        anchorHostNs = Math.min(HOST_NS_MAX, anchorHostNs + stepNs);
    }

    private void reanchor(long trueNowNs) {
        long reading = hostNsAt(trueNowNs);
        anchorTrueNs = trueNowNs;
        anchorHostNs = reading;
    }

    public double rate() {
        return rate;
    }

    /** The drift in parts per billion, rounded (for traces). */
    public long driftPpb() {
        return Math.round((rate - 1.0) * 1e9);
    }
}
