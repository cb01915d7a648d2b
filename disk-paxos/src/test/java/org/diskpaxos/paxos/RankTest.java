package org.diskpaxos.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/**
 * Ranks order lexicographically, and sanlock's ballot numbers ({@code mbal = round * maxHosts + hostId}) encode
 * Disk Paxos ranks without changing their order.
 */
class RankTest {

    @Test
    void ballotEncodingRoundTripsAndPreservesOrder() {
        qt().withExamples(2000).withFixedSeed(20261127L)
                .forAll(integers().between(1, 2000), longs().between(0, 1_000_000),
                        integers().between(1, 2000), longs().between(0, 1_000_000))
                .check((maxHosts, round1, hostSeed, round2) -> {
                    int h1 = (int) (round1 % maxHosts) + 1;
                    int h2 = hostSeed % maxHosts + 1;
                    Rank a = Rank.ofHost(round1, h1);
                    Rank b = Rank.ofHost(round2, h2);
                    long ba = a.toBallot(maxHosts);
                    long bb = b.toBallot(maxHosts);
                    return Rank.ofBallot(ba, maxHosts).equals(a) && Rank.ofBallot(bb, maxHosts).equals(b)
                            && Integer.signum(a.compareTo(b)) == Long.signum(ba - bb);
                });
    }

    @Test
    void sanlockBallotArithmeticMatches() {
        // sanlock: the first ballot of host_id h is h; a retry adds max_hosts.
        assertEquals(7, Rank.ofHost(0, 7).toBallot(2000));
        assertEquals(2007, Rank.ofHost(1, 7).toBallot(2000));
        assertEquals(Rank.ofHost(1, 7), Rank.ofBallot(2007, 2000));
        assertEquals(Rank.ofHost(0, 2000), Rank.ofBallot(2000, 2000));
        assertEquals(Rank.ZERO, Rank.ofBallot(0, 16));
    }

    @Test
    void nextAboveIsTheSmallestOwnRankAbove() {
        qt().withExamples(2000).withFixedSeed(7L)
                .forAll(longs().between(0, 1000), longs().between(0, 50), longs().between(0, 1000),
                        longs().between(0, 50))
                .check((r1, id1, r2, id2) -> {
                    Rank mine = new Rank(r1, 0, id1 + 1);
                    Rank other = new Rank(r2, 0, id2 + 1);
                    Rank next = mine.nextAbove(other);
                    boolean above = next.compareTo(other) > 0 && next.sameProcess(mine);
                    Rank below = next.round() == 0 ? null : new Rank(next.round() - 1, 0, id1 + 1);
                    return above && (below == null || below.compareTo(other) <= 0);
                });
    }

    @Test
    void idsCompareUnsignedSoRandom128BitIdsOrderTotally() {
        Rank low = new Rank(5, 0, 1);
        Rank high = new Rank(5, -1L, 0);
        assertTrue(high.compareTo(low) > 0);
        assertTrue(new Rank(6, 0, 0).compareTo(high) > 0);
    }

    @Test
    void badRanksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Rank(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Rank.ofHost(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Rank.ofHost(1, 17).toBallot(16));
        assertThrows(IllegalArgumentException.class, () -> new Rank(1, 1, 1).toBallot(16));
    }
}
