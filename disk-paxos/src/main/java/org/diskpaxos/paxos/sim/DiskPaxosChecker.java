package org.diskpaxos.paxos.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;

/**
 * The Disk Paxos invariants, per consensus instance, over every host and incarnation of a simulated run:
 * <ul>
 *   <li><b>agreement</b>: every committed write, hence every decision, of an instance carries the same value;</li>
 *   <li><b>validity</b>: that value was proposed for that instance;</li>
 *   <li><b>ranked-register safety</b>: if a write of rank {@code r1} committed, every read of rank
 *       {@code r2 > r1} returned a rank {@code >= r1} — whichever completed first (the property has no real-time
 *       precondition);</li>
 *   <li><b>monotonic mbal</b> within each register (reported by {@link RecordingRegister}).</li>
 * </ul>
 * Violations are found as operations complete and reported after the event.
 */
final class DiskPaxosChecker implements Checker {

    /** One completed read: its rank and the rank it returned. */
    private record Read(Rank rank, Rank returned, String who) {
    }

    private static final class Instance {
        final Set<Inp> proposed = new HashSet<>();
        final List<Rank> commits = new ArrayList<>();
        final List<Read> reads = new ArrayList<>();
        Inp value;
        String valueWho;
        long firstDecidedAtNs = -1;
    }

    private final Map<Long, Instance> instances = new HashMap<>();
    private String violation;
    private long reads;
    private long commits;
    private long instancesDecided;

    @Override
    public String name() {
        return "disk-paxos";
    }

    @Override
    public void afterEvent(CheckContext context) {
        if (violation != null) {
            context.fail(name(), violation);
        }
    }

    void violation(String message) {
        if (violation == null) {
            violation = message;
        }
    }

    private Instance instance(long lver) {
        return instances.computeIfAbsent(lver, k -> new Instance());
    }

    void proposed(long lver, Inp value) {
        instance(lver).proposed.add(value);
    }

    void readCompleted(long lver, Rank rank, Rank returned, Inp value, String who) {
        reads++;
        Instance in = instance(lver);
        if (value != null && !in.proposed.contains(value)) {
            violation("validity: " + who + " read value " + value + " never proposed for lver " + lver);
        }
        for (Rank c : in.commits) {
            if (rank.compareTo(c) > 0 && returned.compareTo(c) < 0) {
                violation("ranked-register safety: lver " + lver + ": " + who + " read at rank " + rank
                        + " returned rank " + returned + " after a write at rank " + c + " committed");
            }
        }
        in.reads.add(new Read(rank, returned, who));
    }

    void committed(long lver, Rank rank, Inp value, String who) {
        commits++;
        Instance in = instance(lver);
        if (!in.proposed.contains(value)) {
            violation("validity: " + who + " committed " + value + ", never proposed for lver " + lver);
        }
        if (in.value == null) {
            in.value = value;
            in.valueWho = who;
            instancesDecided++;
        } else if (!in.value.equals(value)) {
            violation("agreement: lver " + lver + ": " + in.valueWho + " committed " + in.value + " but " + who
                    + " committed " + value + " at rank " + rank);
        }
        for (Read r : in.reads) {
            if (r.rank().compareTo(rank) > 0 && r.returned().compareTo(rank) < 0) {
                violation("ranked-register safety: lver " + lver + ": " + r.who() + " read at rank " + r.rank()
                        + " returned rank " + r.returned() + " but " + who + "'s write at rank " + rank
                        + " committed");
            }
        }
        in.commits.add(rank);
    }

    void decided(long lver, Inp value, int hostId, long nowNs) {
        Instance in = instance(lver);
        if (in.firstDecidedAtNs < 0) {
            in.firstDecidedAtNs = nowNs;
        }
        if (in.value != null && !in.value.equals(value)) {
            violation("agreement: host " + hostId + " decided " + value + " for lver " + lver + " but " + in.value
                    + " was committed");
        }
    }

    /** Instances first decided after {@code timeNs}. */
    long instancesDecidedAfter(long timeNs) {
        long n = 0;
        for (Instance in : instances.values()) {
            if (in.firstDecidedAtNs > timeNs) {
                n++;
            }
        }
        return n;
    }

    long reads() {
        return reads;
    }

    long commits() {
        return commits;
    }

    long instancesDecided() {
        return instancesDecided;
    }
}
