package org.diskpaxos.paxos.active.core;

import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.paxos.Rank;

/**
 * The one place that converts between the paxos module's {@link Rank} and the agent's {@link AgentRank}. They
 * order alike: both compare (round, id high, id low) with the ids unsigned, and a {@code Rank}'s round is
 * non-negative. An agent rank whose round does not fit a non-negative {@code long} cannot come from any client of
 * ours; it is reported as null and the reply treated as malformed.
 */
public final class Ranks {
    private Ranks() {
    }

    public static AgentRank toAgent(Rank rank) {
        return new AgentRank(rank.round(), rank.idHigh(), rank.idLow());
    }

    /** The rank, or null when {@code rank}'s round is beyond {@link Long#MAX_VALUE}. */
    public static Rank fromAgent(AgentRank rank) {
        if (rank.round() < 0) {
            return null;
        }
        return new Rank(rank.round(), rank.idHigh(), rank.idLow());
    }

    public static Rank max(Rank a, Rank b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
