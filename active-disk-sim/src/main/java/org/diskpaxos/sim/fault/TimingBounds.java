package org.diskpaxos.sim.fault;

/**
 * The timing a protocol may assume in a run within tolerance: clock drift at most {@code driftPpmMax} parts per
 * million, no pause (GC, SIGSTOP) longer than {@code pauseNsMax}, no forward clock step larger than
 * {@code clockStepNsMax}. Runs beyond tolerance may exceed them.
 */
public record TimingBounds(double driftPpmMax, long pauseNsMax, long clockStepNsMax) {
    /** Commodity oscillators (±100 ppm), pauses of a young-generation GC, small VM hiccups. */
    public static final TimingBounds DEFAULT = new TimingBounds(100, 20_000_000L, 5_000_000L);

    public TimingBounds {
        if (!(driftPpmMax >= 0 && driftPpmMax <= 100_000) || pauseNsMax < 0 || clockStepNsMax < 0) {
            throw new IllegalArgumentException("timing bounds must be non-negative, drift at most 100000 ppm");
        }
    }
}
