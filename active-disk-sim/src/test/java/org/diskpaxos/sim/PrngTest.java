package org.diskpaxos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/** One seed fixes every stream; derived streams depend only on (seed, label), not on what was drawn before. */
class PrngTest {

    @Test
    void sameSeedGivesSameNumbers() {
        Prng a = new Prng(42);
        Prng b = new Prng(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertNotEquals(new Prng(42).nextLong(), new Prng(43).nextLong());
    }

    @Test
    void derivedStreamsDoNotDependOnEarlierDraws() {
        Prng fresh = new Prng(7);
        Prng used = new Prng(7);
        for (int i = 0; i < 10; i++) {
            used.nextLong();
        }
        assertEquals(fresh.derive("disk", 2).nextLong(), used.derive("disk", 2).nextLong());
        assertNotEquals(fresh.derive("disk", 2).nextLong(), fresh.derive("disk", 3).nextLong());
        assertNotEquals(fresh.derive("disk").nextLong(), fresh.derive("network").nextLong());
    }

    @Test
    void certainAndImpossibleChancesDrawNothing() {
        Prng a = new Prng(1);
        Prng b = new Prng(1);
        assertFalse(a.chance(0));
        assertTrue(a.chance(1));
        assertEquals(b.nextLong(), a.nextLong());
    }

    @Test
    void boundedDrawsStayInBounds() {
        qt().withExamples(300).withFixedSeed(11).forAll(longs().all(), integers().between(1, 1_000_000))
                .check((seed, bound) -> {
                    Prng p = new Prng(seed);
                    int i = p.nextInt(bound);
                    long e = p.exponential(bound);
                    long l = p.nextLong(-bound, bound);
                    return i >= 0 && i < bound && e >= 0 && l >= -bound && l < bound;
                });
    }
}
