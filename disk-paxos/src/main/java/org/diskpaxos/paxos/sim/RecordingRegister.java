package org.diskpaxos.paxos.sim;

import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskRankedRegister;

/**
 * A {@link DiskRankedRegister} that reports every completed operation to the {@link DiskPaxosChecker}, and checks
 * that the register's own {@code mbal} never goes down.
 */
final class RecordingRegister implements RankedRegister<Inp> {
    private final DiskRankedRegister register;
    private final long lver;
    private final DiskPaxosChecker checker;
    private final String who;
    private long lastMbal;

    RecordingRegister(DiskRankedRegister register, long lver, DiskPaxosChecker checker, int hostId, int incarnation) {
        this.register = register;
        this.lver = lver;
        this.checker = checker;
        this.who = "host " + hostId + " incarnation " + incarnation + " lver " + lver;
    }

    private static final boolean DEBUG = System.getProperty("dp.debug") != null;

    @Override
    public void rrRead(Rank rank, Callback<ReadOutcome<Inp>> callback) {
        if (DEBUG) {
            System.err.println(System.nanoTime() + " " + who + " rrRead " + rank);
        }
        register.rrRead(rank, outcome -> {
            if (DEBUG) {
                System.err.println(who + " rrRead " + rank + " -> " + outcome);
            }
            afterOperation();
            if (outcome instanceof ReadValue<Inp> rv) {
                checker.readCompleted(lver, rank, rv.rank(), rv.value(), who);
            }
            callback.done(outcome);
        });
    }

    @Override
    public void rrWrite(Rank rank, Inp value, Callback<Outcome> callback) {
        if (DEBUG) {
            System.err.println(who + " rrWrite " + rank);
        }
        register.rrWrite(rank, value, outcome -> {
            if (DEBUG) {
                System.err.println(who + " rrWrite " + rank + " -> " + outcome);
            }
            afterOperation();
            if (outcome instanceof Outcome.Committed) {
                checker.committed(lver, rank, value, who);
            }
            callback.done(outcome);
        });
    }

    private void afterOperation() {
        long mbal = register.dblock().mbal();
        if (mbal < lastMbal) {
            checker.violation("monotonic mbal: " + who + " went from mbal " + lastMbal + " to " + mbal);
        }
        lastMbal = mbal;
    }
}
