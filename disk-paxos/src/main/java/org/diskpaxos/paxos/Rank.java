package org.diskpaxos.paxos;

/**
 * A ranked-register rank: a round number and the proposing process's unique id, compared lexicographically
 * (round first, then id). Ranks of different processes never tie, so two writes of one rank are always by the same
 * process.
 *
 * <p>The id is 128 bits so that active-disk processes can pick a random id per incarnation and need no registration.
 * Disk Paxos uses small host ids ({@code idHigh == 0}, {@code idLow} = host id) and stores a rank as the single
 * {@code mbal} number sanlock uses: {@code mbal = round * maxHosts + hostId}, which orders exactly like the rank
 * for host ids in {@code 1..maxHosts} (see {@link #toBallot(int)} and {@link #ofBallot(long, int)}).
 *
 * @param round  non-negative round; {@link #ZERO} is the only rank of round 0 with id 0
 * @param idHigh high 64 bits of the process id
 * @param idLow  low 64 bits of the process id
 */
public record Rank(long round, long idHigh, long idLow) implements Comparable<Rank> {

    /** The rank below every rank a process uses: "never written". */
    public static final Rank ZERO = new Rank(0, 0, 0);

    public Rank {
        if (round < 0) {
            throw new IllegalArgumentException("rank round must be non-negative, got " + round);
        }
    }

    /** The rank of round {@code round} for Disk Paxos host {@code hostId}. */
    public static Rank ofHost(long round, int hostId) {
        if (hostId < 1) {
            throw new IllegalArgumentException("host id must be at least 1, got " + hostId);
        }
        return new Rank(round, 0, hostId);
    }

    /** Decodes a Disk Paxos ballot number ({@code mbal} or {@code bal}); 0 is {@link #ZERO}. */
    public static Rank ofBallot(long ballot, int maxHosts) {
        if (ballot < 0) {
            throw new IllegalArgumentException("ballot must be non-negative, got " + ballot);
        }
        if (ballot == 0) {
            return ZERO;
        }
        long hostId = (ballot - 1) % maxHosts + 1;
        return new Rank((ballot - hostId) / maxHosts, 0, hostId);
    }

    /** Encodes this rank as a Disk Paxos ballot number; requires a host-id rank with {@code idLow <= maxHosts}. */
    public long toBallot(int maxHosts) {
        if (this.equals(ZERO)) {
            return 0;
        }
        if (idHigh != 0 || idLow < 1 || idLow > maxHosts) {
            throw new IllegalArgumentException("rank " + this + " is not a Disk Paxos rank for max hosts " + maxHosts);
        }
        return Math.addExact(Math.multiplyExact(round, (long) maxHosts), idLow);
    }

    /** The smallest rank of this process's that is above {@code other}. */
    public Rank nextAbove(Rank other) {
        Rank candidate = new Rank(other.round, idHigh, idLow);
        return candidate.compareTo(other) > 0 ? candidate : new Rank(Math.addExact(other.round, 1), idHigh, idLow);
    }

    /** Whether this rank belongs to the same process as {@code other}. */
    public boolean sameProcess(Rank other) {
        return idHigh == other.idHigh && idLow == other.idLow;
    }

    @Override
    public int compareTo(Rank o) {
        int c = Long.compare(round, o.round);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(idHigh, o.idHigh);
        return c != 0 ? c : Long.compareUnsigned(idLow, o.idLow);
    }

    @Override
    public String toString() {
        return idHigh == 0 ? round + "." + idLow : round + "." + Long.toHexString(idHigh) + Long.toHexString(idLow);
    }
}
