package org.diskpaxos.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulator's only source of randomness: a seeded {@link SplittableRandom} (SplitMix64).
 *
 * <p>Every component gets its own stream with {@link #derive(String)}: the sub-seed is a hash of this stream's
 * seed and a label, computed without drawing from this stream. So the streams are fixed by (seed, label), and
 * adding a component or drawing more numbers in one component does not shift the numbers any other component
 * sees. Labels are written once, in the code that builds the simulation, in a fixed order.
 *
 * <p>Not thread-safe; the simulator is single-threaded.
 */
public final class Prng {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private final long seed;
    private final SplittableRandom random;

    public Prng(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed this stream started from. */
    public long seed() {
        return seed;
    }

    /** An independent stream for the component called {@code label}; does not draw from this stream. */
    public Prng derive(String label) {
        return new Prng(mix64(seed + GOLDEN_GAMMA * labelHash(label)));
    }

    /** An independent stream for the {@code index}-th component called {@code label}. */
    public Prng derive(String label, long index) {
        return new Prng(mix64(mix64(seed + GOLDEN_GAMMA * labelHash(label)) + GOLDEN_GAMMA * (index + 1)));
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    public static long mix64(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** FNV-1a over the label's chars: stable across JVMs and runs (unlike identity hashes). */
    static long labelHash(String label) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < label.length(); i++) {
            h ^= label.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Uniform in {@code [0, bound)}; {@code bound > 0}. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform in {@code [origin, bound)}; {@code origin < bound}. */
    public int nextInt(int origin, int bound) {
        return random.nextInt(origin, bound);
    }

    /** Uniform in {@code [origin, bound)}; {@code origin < bound}. */
    public long nextLong(long origin, long bound) {
        return random.nextLong(origin, bound);
    }

    /** Uniform in {@code [0, 1)}. */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in {@code [origin, bound)}. */
    public double nextDouble(double origin, double bound) {
        return random.nextDouble(origin, bound);
    }

    /**
     * True with probability {@code p}. Draws nothing when {@code p <= 0} or {@code p >= 1}, so a disabled fault
     * costs no randomness.
     */
    public boolean chance(double p) {
        if (p <= 0) {
            return false;
        }
        if (p >= 1) {
            return true;
        }
        return random.nextDouble() < p;
    }

    /** Exponentially distributed with the given mean, rounded down; 0 when the mean is not positive. */
    public long exponential(long mean) {
        if (mean <= 0) {
            return 0;
        }
        double u = 1.0 - random.nextDouble(); // (0, 1]
        double x = -Math.log(u) * mean;
        return x >= Long.MAX_VALUE / 2.0 ? Long.MAX_VALUE / 2 : (long) x;
    }

    /** One element, uniformly. */
    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
