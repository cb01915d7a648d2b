package org.diskpaxos.lock.sim;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.lock.disk.LockspaceSession;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;

/**
 * The lease invariants, over every host and incarnation of a simulated run:
 * <ul>
 *   <li><b>single holder</b> (within tolerance): after every event, at most one host per resource believes it
 *       holds the lease — a grant not released, not lost, by a live incarnation whose own clock has not passed the
 *       lease's validity deadline. A paused host still believes (its clock runs on); a crashed one does not;</li>
 *   <li><b>agreement on lease versions</b>: no version is ever granted twice (always);</li>
 *   <li><b>fencing tokens</b> strictly increase per resource in the order grants are made (within tolerance;
 *       beyond it a host paused between deciding and being told can be granted a version after a later one);</li>
 *   <li><b>fenced storage</b> never accepts a token older than one it accepted. It does see older ones even within
 *       tolerance — a write sent while its holder was valid can arrive after the next holder's — and rejects
 *       them: what fencing is for.</li>
 * </ul>
 * Beyond tolerance (pauses and drift past the timing bounds) real-time exclusion may fail; overlaps are counted,
 * not failed, there; the token and storage rules hold regardless.
 */
final class LeaseChecker implements Checker {

    /** One grant: who, which incarnation, the lease object and the lockspace membership it depends on. */
    private record Grant(int hostId, int incarnation, LockspaceSession.HeldLease lease, Lockspace lockspace) {
    }

    private final Simulation simulation;
    private final boolean strict;
    private final List<List<Grant>> active = new ArrayList<>();
    private final long[] highestToken;
    private final long[] lastGrantNs;
    private final List<java.util.Map<Long, String>> holderOfVersion = new ArrayList<>();
    private final FencedStorage[] storages;
    private String violation;
    private long grants;
    private long overlapEvents;
    private long staleRejected;

    LeaseChecker(Simulation simulation, int resources, boolean strict) {
        this.simulation = simulation;
        this.strict = strict;
        this.highestToken = new long[resources];
        this.lastGrantNs = new long[resources];
        this.storages = new FencedStorage[resources];
        for (int r = 0; r < resources; r++) {
            active.add(new ArrayList<>());
            holderOfVersion.add(new java.util.HashMap<>());
            storages[r] = new FencedStorage(simulation, this, r);
        }
    }

    @Override
    public String name() {
        return "lease";
    }

    FencedStorage storage(int resource) {
        return storages[resource];
    }

    long lastGrantNs(int resource) {
        return lastGrantNs[resource];
    }

    void granted(int resource, int hostId, int incarnation, LockspaceSession.HeldLease lease, Lockspace lockspace) {
        grants++;
        lastGrantNs[resource] = simulation.nowNs();
        String who = "host " + hostId + " incarnation " + incarnation;
        String previous = holderOfVersion.get(resource).putIfAbsent(lease.fence(), who);
        if (previous != null) {
            fail("agreement: res" + resource + " lease version " + lease.fence() + " granted to " + previous
                    + " and again to " + who);
        }
        if (strict && lease.fence() <= highestToken[resource]) {
            fail("fencing token: res" + resource + " granted to " + who + " with token " + lease.fence()
                    + ", not above the highest granted before, " + highestToken[resource]);
        }
        highestToken[resource] = Math.max(highestToken[resource], lease.fence());
        active.get(resource).add(new Grant(hostId, incarnation, lease, lockspace));
    }

    void released(int resource, LockspaceSession.HeldLease lease) {
        active.get(resource).removeIf(g -> g.lease() == lease);
    }

    void writeAccepted(int resource, long token, long highestBefore) {
        if (token < highestBefore) {
            fail("fenced storage of res" + resource + " accepted token " + token + " after " + highestBefore);
        }
    }

    void staleWriteRejected(int resource, long token, long highest) {
        staleRejected++;
    }

    private boolean believesHeld(Grant g) {
        if (!simulation.host(g.hostId() - 1).isAlive(g.incarnation())) {
            return false;
        }
        if (g.lease().lost().isDone()) {
            return false;
        }
        Lockspace ls = g.lockspace();
        return ls.loop().nowNs() < ls.validUntilNs() && ls.lostReason() == null;
    }

    @Override
    public void afterEvent(CheckContext context) {
        if (violation != null) {
            context.fail(name(), violation);
        }
        for (int r = 0; r < active.size(); r++) {
            List<Grant> holders = new ArrayList<>();
            for (Grant g : active.get(r)) {
                if (believesHeld(g)) {
                    holders.add(g);
                }
            }
            active.get(r).removeIf(g -> !simulation.host(g.hostId() - 1).isAlive(g.incarnation()));
            if (holders.size() > 1) {
                overlapEvents++;
                if (strict) {
                    StringBuilder who = new StringBuilder();
                    for (Grant g : holders) {
                        who.append(" host ").append(g.hostId()).append(" (incarnation ").append(g.incarnation())
                                .append(", token ").append(g.lease().fence()).append(", valid for another ")
                                .append((g.lockspace().validUntilNs() - g.lockspace().loop().nowNs()) / 1000)
                                .append(" us)");
                    }
                    context.fail(name(), "single holder: res" + r + " is held by" + who);
                }
            }
        }
    }

    private void fail(String message) {
        if (violation == null) {
            violation = message;
        }
    }

    String summary() {
        long accepted = 0;
        for (FencedStorage s : storages) {
            accepted += s.accepted();
        }
        return "grants " + grants + ", fenced writes accepted " + accepted + ", stale rejected " + staleRejected
                + ", events with two holders " + overlapEvents;
    }
}
