package org.diskpaxos.activedisk;

/**
 * A ranked-register rank as the agent sees it: {@code (round, idHigh, idLow)}, three unsigned 64-bit numbers
 * compared lexicographically. It is the wire and on-device form of {@code org.diskpaxos.paxos.Rank} (which keeps
 * {@code round} non-negative); the agent never interprets the id, it only compares.
 *
 * <p>{@link #ZERO} means "never": the initial {@code R} and {@code W} of every register. A write of rank
 * {@code ZERO} always aborts ({@code W < ZERO} is impossible).
 */
public record AgentRank(long round, long idHigh, long idLow) implements Comparable<AgentRank> {

    /** Below every rank a process uses. */
    public static final AgentRank ZERO = new AgentRank(0, 0, 0);
    /** Bytes of a rank on the wire and on the device: three little-endian u64. */
    public static final int BYTES = 24;

    @Override
    public int compareTo(AgentRank o) {
        int c = Long.compareUnsigned(round, o.round);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(idHigh, o.idHigh);
        return c != 0 ? c : Long.compareUnsigned(idLow, o.idLow);
    }

    public boolean isZero() {
        return round == 0 && idHigh == 0 && idLow == 0;
    }

    public boolean lessThan(AgentRank o) {
        return compareTo(o) < 0;
    }

    public static AgentRank max(AgentRank a, AgentRank b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(round) + "." + Long.toHexString(idHigh) + ":" + Long.toHexString(idLow);
    }
}
