package org.diskpaxos.paxos;

/**
 * Where protocol code gets randomness (backoff delays): seeded from the simulator's single PRNG in simulation, from a
 * per-process random seed in production. Protocol code never creates its own {@code Random}.
 */
@FunctionalInterface
public interface RandomSource {

    /** A uniformly distributed value in {@code [0, bound)}; {@code bound > 0}. */
    long nextLong(long bound);

    /** A source backed by {@link java.util.SplittableRandom} with the given seed. */
    static RandomSource seeded(long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        return random::nextLong;
    }
}
