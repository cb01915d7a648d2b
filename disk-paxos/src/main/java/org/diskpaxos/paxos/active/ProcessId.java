package org.diskpaxos.paxos.active;

import java.security.SecureRandom;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;

/**
 * A process incarnation's 128-bit identity in Active Disk Paxos: the id half of every {@link Rank} it uses. Drawn
 * at random when the process starts, so any number of processes coordinate without registering (Chockler and
 * Malkhi, algorithms.md §2.6): among {@code k} incarnations two collide with probability about {@code k² / 2^127} (the seeded
 * variant draws 126 bits).
 *
 * <p>A new incarnation must draw a new id: the client remembers which value it wrote at which rank only for its own
 * life, and two writes of different values at one rank break agreement. {@code high} is never 0, so these ranks
 * never look like Disk Paxos host ranks.
 */
public record ProcessId(long high, long low) {

    public ProcessId {
        if (high == 0) {
            throw new IllegalArgumentException("a process id's high half must not be 0 (those are Disk Paxos host ids)");
        }
    }

    /** A fresh id from the operating system's secure random source. */
    public static ProcessId random() {
        SecureRandom r = new SecureRandom();
        return of(r.nextLong(), r.nextLong());
    }

    /** A fresh id from {@code random} (the simulator's seeded stream, so runs replay). */
    public static ProcessId random(RandomSource random) {
        return of(random.nextLong(Long.MAX_VALUE), random.nextLong(Long.MAX_VALUE));
    }

    private static ProcessId of(long high, long low) {
        return new ProcessId(high == 0 ? 1 : high, low);
    }

    /** This process's rank in round {@code round}. */
    public Rank rank(long round) {
        return new Rank(round, high, low);
    }

    /** Whether {@code rank} is one of this process's. */
    public boolean owns(Rank rank) {
        return rank.idHigh() == high && rank.idLow() == low;
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", high, low);
    }
}
