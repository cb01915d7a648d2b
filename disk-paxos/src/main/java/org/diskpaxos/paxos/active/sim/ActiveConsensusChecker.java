package org.diskpaxos.paxos.active.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;

/**
 * The Active Disk Paxos invariants, per (resource, instance), over every process of every host incarnation of a
 * simulated run:
 * <ul>
 *   <li><b>agreement</b>: every committed write, hence every decision, of an instance carries the same value;</li>
 *   <li><b>validity</b>: every value read or committed was proposed for that instance;</li>
 *   <li><b>ranked-register safety</b>: if a write of rank {@code r1} committed, every read of rank {@code r2 > r1}
 *       returned a rank {@code >= r1}, whichever completed first;</li>
 *   <li><b>monotonic ranks</b> (reported by {@link RecordingActiveRegister}): a process's highest seen rank never
 *       goes down, and its attempts on one instance use strictly increasing ranks.</li>
 * </ul>
 * Violations are found as operations complete and reported after the event.
 */
final class ActiveConsensusChecker implements Checker {

    private record Read(Rank rank, Rank returned, String who) {
    }

    private static final class Instance {
        final Set<ActiveValue> proposed = new HashSet<>();
        final List<Rank> commits = new ArrayList<>();
        final List<Read> reads = new ArrayList<>();
        ActiveValue value;
        String valueWho;
        long firstDecidedAtNs = -1;
    }

    private final Map<String, Map<Long, Instance>> instances = new HashMap<>();
    private String violation;
    private long reads;
    private long commits;
    private long instancesDecided;

    @Override
    public String name() {
        return "active-paxos";
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

    private Instance instance(String resource, long instance) {
        return instances.computeIfAbsent(resource, k -> new HashMap<>()).computeIfAbsent(instance, k -> new Instance());
    }

    void proposed(String resource, long instance, ActiveValue value) {
        instance(resource, instance).proposed.add(value);
    }

    void readCompleted(String resource, long instance, Rank rank, Rank returned, ActiveValue value, String who) {
        reads++;
        Instance in = instance(resource, instance);
        if (value != null && !in.proposed.contains(value)) {
            violation("validity: " + who + " read value " + value + " never proposed for " + resource + "/" + instance);
        }
        if (returned.compareTo(rank) > 0) {
            violation("ranked-register safety: " + who + " read at rank " + rank + " returned a higher rank "
                    + returned + " on " + resource + "/" + instance);
        }
        for (Rank c : in.commits) {
            if (rank.compareTo(c) > 0 && returned.compareTo(c) < 0) {
                violation("ranked-register safety: " + resource + "/" + instance + ": " + who + " read at rank " + rank
                        + " returned rank " + returned + " after a write at rank " + c + " committed");
            }
        }
        in.reads.add(new Read(rank, returned, who));
    }

    void committed(String resource, long instance, Rank rank, ActiveValue value, String who) {
        commits++;
        Instance in = instance(resource, instance);
        if (!in.proposed.contains(value)) {
            violation("validity: " + who + " committed " + value + ", never proposed for " + resource + "/" + instance);
        }
        if (in.value == null) {
            in.value = value;
            in.valueWho = who;
            instancesDecided++;
        } else if (!in.value.equals(value)) {
            violation("agreement: " + resource + "/" + instance + ": " + in.valueWho + " committed " + in.value
                    + " but " + who + " committed " + value + " at rank " + rank);
        }
        for (Read r : in.reads) {
            if (r.rank().compareTo(rank) > 0 && r.returned().compareTo(rank) < 0) {
                violation("ranked-register safety: " + resource + "/" + instance + ": " + r.who() + " read at rank "
                        + r.rank() + " returned rank " + r.returned() + " but " + who + "'s write at rank " + rank
                        + " committed");
            }
        }
        in.commits.add(rank);
    }

    void decided(String resource, long instance, ActiveValue value, String who, long nowNs) {
        Instance in = instance(resource, instance);
        if (in.firstDecidedAtNs < 0) {
            in.firstDecidedAtNs = nowNs;
        }
        if (in.value == null) {
            violation("agreement: " + who + " decided " + value + " for " + resource + "/" + instance
                    + " but no write of it committed");
        } else if (!in.value.equals(value)) {
            violation("agreement: " + who + " decided " + value + " for " + resource + "/" + instance + " but "
                    + in.value + " was committed");
        }
    }

    /** Whether a write of {@code resource}/{@code instance} has committed. */
    boolean isDecided(String resource, long instance) {
        Map<Long, Instance> m = instances.get(resource);
        Instance in = m == null ? null : m.get(instance);
        return in != null && in.value != null;
    }

    /** Instances first decided after {@code timeNs}. */
    long instancesDecidedAfter(long timeNs) {
        long n = 0;
        for (Map<Long, Instance> m : instances.values()) {
            for (Instance in : m.values()) {
                if (in.firstDecidedAtNs > timeNs) {
                    n++;
                }
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
