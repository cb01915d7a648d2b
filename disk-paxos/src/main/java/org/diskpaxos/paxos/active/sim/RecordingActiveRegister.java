package org.diskpaxos.paxos.active.sim;

import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.ActiveRankedRegister;
import org.diskpaxos.paxos.active.ActiveValue;

/**
 * An {@link ActiveRankedRegister} that reports every completed operation to the {@link ActiveConsensusChecker}
 * and checks that ranks only grow: the resource's highest seen rank after every operation, and the rank of each
 * read this process starts on the instance (Consensus retries strictly above the rank that lost).
 */
final class RecordingActiveRegister implements RankedRegister<ActiveValue> {
    private static final boolean DEBUG = System.getProperty("dp.debug") != null;
    private final ActiveRankedRegister register;
    private final ActiveConsensusChecker checker;
    private final String who;
    private Rank lastRead = Rank.ZERO;
    private Rank lastHighest = Rank.ZERO;

    RecordingActiveRegister(ActiveRankedRegister register, ActiveConsensusChecker checker, String who) {
        this.register = register;
        this.checker = checker;
        this.who = who + " " + register.resource().name() + "/" + register.instance();
        this.lastHighest = register.resource().highestSeen();
    }

    private String resource() {
        return register.resource().name();
    }

    @Override
    public void rrRead(Rank rank, Callback<ReadOutcome<ActiveValue>> callback) {
        if (rank.compareTo(lastRead) <= 0) {
            checker.violation("monotonic ranks: " + who + " read at " + rank + " after reading at " + lastRead);
        }
        lastRead = rank;
        long fenceReadsBefore = register.resource().stats().fenceReads();
        register.rrRead(rank, outcome -> {
            afterOperation();
            if (DEBUG) {
                System.err.println(register.resource().loop().nowNs() + " " + who + " rrRead " + rank + " -> "
                        + outcome + (register.resource().stats().fenceReads() > fenceReadsBefore ? " (fence)" : ""));
            }
            if (outcome instanceof ReadValue<ActiveValue> rv) {
                checker.readCompleted(resource(), register.instance(), rank, rv.rank(), rv.value(), who);
            }
            callback.done(outcome);
        });
    }

    @Override
    public void rrWrite(Rank rank, ActiveValue value, Callback<Outcome> callback) {
        if (!rank.equals(lastRead)) {
            checker.violation("monotonic ranks: " + who + " wrote at " + rank + " but last read at " + lastRead);
        }
        register.rrWrite(rank, value, outcome -> {
            afterOperation();
            if (DEBUG) {
                System.err.println(register.resource().loop().nowNs() + " " + who + " rrWrite " + rank + " " + value
                        + " -> " + outcome);
            }
            if (outcome instanceof Outcome.Committed) {
                checker.committed(resource(), register.instance(), rank, value, who);
            }
            callback.done(outcome);
        });
    }

    private void afterOperation() {
        Rank highest = register.resource().highestSeen();
        if (highest.compareTo(lastHighest) < 0) {
            checker.violation("monotonic ranks: " + who + " highest seen rank went from " + lastHighest + " to "
                    + highest);
        }
        lastHighest = highest;
    }
}
