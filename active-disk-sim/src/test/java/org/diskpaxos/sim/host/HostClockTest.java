package org.diskpaxos.sim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/**
 * A host clock behaves like CLOCK_MONOTONIC with drift: never decreasing, running at its rate, stepping only
 * forward, and its inverse names the first true instant at which it reaches a reading.
 */
class HostClockTest {

    @Test
    void runsAtItsRateFromItsStart() {
        HostClock clock = new HostClock(0, 5_000);
        assertEquals(5_000, clock.hostNsAt(0));
        assertEquals(1_005_000, clock.hostNsAt(1_000_000));
        clock.setDriftPpm(1_000_000, 1_000);
        assertEquals(1_005_000 + 1_001_000, clock.hostNsAt(2_000_000));
    }

    @Test
    void stepsOnlyForward() {
        HostClock clock = new HostClock(0, 0);
        clock.stepForward(100, 1_000);
        assertEquals(1_100, clock.hostNsAt(100));
        assertThrows(IllegalArgumentException.class, () -> clock.stepForward(200, -1));
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(200, 3.0));
        assertThrows(IllegalArgumentException.class, () -> clock.hostNsAt(50));
    }

    @Test
    void neverDecreases() {
        qt().withExamples(500).withFixedSeed(1)
                .forAll(doubles().between(-50_000, 50_000), longs().between(0, 1L << 40), longs().between(0, 1L << 40))
                .check((ppm, a, b) -> {
                    HostClock clock = new HostClock(0, 1_000);
                    clock.setDriftPpm(0, ppm);
                    long lo = Math.min(a, b);
                    long hi = Math.max(a, b);
                    return clock.hostNsAt(lo) <= clock.hostNsAt(hi);
                });
    }

    @Test
    void inverseIsTheFirstInstantReachingTheReading() {
        qt().withExamples(500).withFixedSeed(2)
                .forAll(doubles().between(-50_000, 50_000), longs().between(0, 1L << 40), longs().between(0, 1L << 36))
                .check((ppm, anchor, ahead) -> {
                    HostClock clock = new HostClock(0, 777);
                    clock.setDriftPpm(anchor, ppm);
                    long target = clock.hostNsAt(anchor) + ahead;
                    long t = clock.trueNsWhen(target);
                    return t >= anchor && clock.hostNsAt(t) >= target && (t == anchor || clock.hostNsAt(t - 1) < target);
                });
    }
}
