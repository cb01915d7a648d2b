package org.diskpaxos.paxos.active.core;

import java.util.Objects;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.active.ActiveValue;

/**
 * A register's {@code (W, V)}: the rank of the stored value and the value; {@code value} is null exactly when
 * {@code w} is {@link Rank#ZERO} (never written).
 */
public record RankValue(Rank w, ActiveValue value) {
    public static final RankValue NONE = new RankValue(Rank.ZERO, null);

    public RankValue {
        Objects.requireNonNull(w, "w");
        if ((value == null) != w.equals(Rank.ZERO)) {
            throw new IllegalArgumentException("a value must be present exactly when W > 0: W " + w + ", value "
                    + value);
        }
    }

    /** The one with the higher {@code W}; {@code this} on a tie. */
    public RankValue max(RankValue other) {
        return other.w.compareTo(w) > 0 ? other : this;
    }
}
