package org.diskpaxos.lock.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.core.Membership;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;

/**
 * The lease invariants, over every host and incarnation of a simulated run:
 * <ul>
 *   <li><b>exclusion</b> (within tolerance): after every event, per resource, an exclusive holder is the only
 *       holder — no other exclusive and no shared one; shared holders may overlap. A holder is a grant not
 *       released, not lost, by a live incarnation whose own clock has not passed the lease's validity deadline. A
 *       paused host still believes (its clock runs on); a crashed one does not;</li>
 *   <li><b>agreement on lease versions</b>: no version is ever granted twice, in any mode (always);</li>
 *   <li><b>fencing tokens</b> (within tolerance): an exclusive grant's token is above every token granted before
 *       it, and a shared grant's is above every exclusive token granted before it. (Two shared grants may be
 *       reported out of version order: a shared holder is granted when its mode block is on a majority, and the
 *       next shared acquirer may see that before the first one hears back.) Beyond tolerance a host paused between
 *       deciding and being told can be granted a version after a later one;</li>
 *   <li><b>fenced storage</b> never accepts a token older than one it accepted. It does see older ones even within
 *       tolerance — a write sent while its holder was valid can arrive after the next holder's — and rejects
 *       them: what fencing is for;</li>
 *   <li><b>lock value block</b>: a value read is one some exclusive holder set, never garbage (always); within
 *       tolerance it was set under a lower token than the reader's, and by the newest exclusive holder whose release
 *       completed before the reader was granted, or a later one;</li>
 *   <li><b>requests</b> (always): a holder is told of a request only if some host wrote a request record for its
 *       resource with a version above the holder's — or a request whose outcome its requester never learned
 *       (in flight, failed after writing, requester crashed) could have.</li>
 * </ul>
 * Beyond tolerance (pauses and drift past the timing bounds) real-time exclusion may fail; overlaps are counted,
 * not failed, there; the agreement, storage, garbage and request rules hold regardless.
 */
final class LeaseChecker implements Checker {

    /** One grant: who, which incarnation, the lease object and the lockspace membership it depends on. */
    private record Grant(int hostId, int incarnation, Lease lease, Membership lockspace,
                         long grantedAtNs) {
    }

    private final Simulation simulation;
    private final boolean strict;
    private final List<List<Grant>> active = new ArrayList<>();
    private final long[] highestToken;
    private final long[] highestExclusiveToken;
    private final long[] lastGrantNs;
    private final long[] lastExclusiveGrantNs;
    private final long[] requestsMade;
    /** Per resource: the highest version a request that completed wrote; requests started and not (yet) reported. */
    private final long[] highestRequestedLver;
    private final long[] requestsUnresolved;
    private final List<Map<Long, String>> holderOfVersion = new ArrayList<>();
    /** Per resource: (release completion time, token) of exclusive releases that wrote a value, in time order. */
    private final List<List<long[]>> lvbReleases = new ArrayList<>();
    private final FencedStorage[] storages;
    private String violation;
    private long grants;
    private long sharedGrants;
    private long overlapEvents;
    private long sharedOverlapEvents;
    private long staleRejected;
    private long lvbReads;
    private long lvbAnomalies;
    private long notifications;
    private long unconfirmedNotifications;

    LeaseChecker(Simulation simulation, int resources, boolean strict) {
        this.simulation = simulation;
        this.strict = strict;
        this.highestToken = new long[resources];
        this.highestExclusiveToken = new long[resources];
        this.lastGrantNs = new long[resources];
        this.lastExclusiveGrantNs = new long[resources];
        this.requestsMade = new long[resources];
        this.highestRequestedLver = new long[resources];
        this.requestsUnresolved = new long[resources];
        this.storages = new FencedStorage[resources];
        for (int r = 0; r < resources; r++) {
            active.add(new ArrayList<>());
            holderOfVersion.add(new HashMap<>());
            lvbReleases.add(new ArrayList<>());
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

    long lastExclusiveGrantNs(int resource) {
        return lastExclusiveGrantNs[resource];
    }

    void granted(int resource, int hostId, int incarnation, Lease lease, Membership lockspace) {
        grants++;
        boolean exclusive = lease.mode() == LeaseMode.EXCLUSIVE;
        lastGrantNs[resource] = simulation.nowNs();
        if (exclusive) {
            lastExclusiveGrantNs[resource] = simulation.nowNs();
        } else {
            sharedGrants++;
        }
        String who = "host " + hostId + " incarnation " + incarnation + " (" + lease.mode() + ")";
        String previous = holderOfVersion.get(resource).putIfAbsent(lease.fence(), who);
        if (previous != null) {
            fail("agreement: res" + resource + " lease version " + lease.fence() + " granted to " + previous
                    + " and again to " + who);
        }
        long bound = exclusive ? highestToken[resource] : highestExclusiveToken[resource];
        if (strict && lease.fence() <= bound) {
            fail("fencing token: res" + resource + " granted to " + who + " with token " + lease.fence()
                    + ", not above " + bound + ", the highest " + (exclusive ? "" : "exclusive ")
                    + "token granted before");
        }
        highestToken[resource] = Math.max(highestToken[resource], lease.fence());
        if (exclusive) {
            highestExclusiveToken[resource] = Math.max(highestExclusiveToken[resource], lease.fence());
        }
        active.get(resource).add(new Grant(hostId, incarnation, lease, lockspace, simulation.nowNs()));
    }

    void released(int resource, Lease lease) {
        active.get(resource).removeIf(g -> g.lease() == lease);
    }

    /** An exclusive holder's release that wrote a lock value block completed (RELEASED). */
    void lvbReleased(int resource, long token) {
        lvbReleases.get(resource).add(new long[] {simulation.nowNs(), token});
    }

    /**
     * A holder read the lock value block: {@code writerToken} is the token the value says it was set under (0 for
     * none), or -1 if the bytes are not a value any holder set.
     */
    void lvbRead(int resource, Lease reader, long grantedAtNs, long writerToken) {
        lvbReads++;
        if (writerToken < 0) {
            fail("lock value block of res" + resource + " read by token " + reader.fence()
                    + " is not a value any holder set (garbage)");
            return;
        }
        long newestBefore = 0;
        for (long[] release : lvbReleases.get(resource)) {
            if (release[0] < grantedAtNs && release[1] < reader.fence()) {
                newestBefore = Math.max(newestBefore, release[1]);
            }
        }
        if (writerToken >= reader.fence() || writerToken < newestBefore) {
            lvbAnomalies++;
            if (strict) {
                fail("lock value block of res" + resource + ": the holder with token " + reader.fence() + " read a value "
                        + "set under token " + writerToken + ", but the newest exclusive release before its grant "
                        + "wrote one under " + newestBefore);
            }
        }
    }

    /** A host starts a request for {@code resource}; {@link #requestDone} follows unless the host crashes first. */
    void requestMade(int resource) {
        requestsMade[resource]++;
        requestsUnresolved[resource]++;
    }

    /** The request ended; {@code writtenLver} is the version it wrote to the request record, 0 if it wrote none. */
    void requestDone(int resource, long writtenLver, boolean failed) {
        if (!failed) {
            requestsUnresolved[resource]--;
        }
        highestRequestedLver[resource] = Math.max(highestRequestedLver[resource], writtenLver);
    }

    void notified(int resource, Lease lease) {
        notifications++;
        if (highestRequestedLver[resource] > lease.fence()) {
            return;
        }
        if (requestsUnresolved[resource] > 0) {
            unconfirmedNotifications++;
            return;
        }
        fail("request: the holder of res" + resource + " (token " + lease.fence() + ") was told of a request, but "
                + "the highest version any request wrote is " + highestRequestedLver[resource] + " (of "
                + requestsMade[resource] + " requests made)");
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
        Membership ls = g.lockspace();
        return ls.loop().nowNs() < ls.validUntilNs() && ls.lostReason() == null;
    }

    @Override
    public void afterEvent(CheckContext context) {
        if (violation != null) {
            context.fail(name(), violation);
        }
        for (int r = 0; r < active.size(); r++) {
            List<Grant> holders = new ArrayList<>();
            int exclusive = 0;
            for (Grant g : active.get(r)) {
                if (believesHeld(g)) {
                    holders.add(g);
                    exclusive += g.lease().mode() == LeaseMode.EXCLUSIVE ? 1 : 0;
                }
            }
            active.get(r).removeIf(g -> !simulation.host(g.hostId() - 1).isAlive(g.incarnation()));
            if (holders.size() > 1 && exclusive == 0) {
                sharedOverlapEvents++;
            }
            if (holders.size() > 1 && exclusive > 0) {
                overlapEvents++;
                if (strict) {
                    StringBuilder who = new StringBuilder();
                    for (Grant g : holders) {
                        who.append(" host ").append(g.hostId()).append(" (incarnation ").append(g.incarnation())
                                .append(", ").append(g.lease().mode()).append(", token ").append(g.lease().fence())
                                .append(", valid for another ")
                                .append((g.lockspace().validUntilNs() - g.lockspace().loop().nowNs()) / 1000)
                                .append(" us)");
                    }
                    context.fail(name(), "exclusion: res" + r + " is held by" + who);
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
        long requests = 0;
        for (long n : requestsMade) {
            requests += n;
        }
        return "grants " + grants + " (shared " + sharedGrants + "), fenced writes accepted " + accepted
                + ", stale rejected " + staleRejected + ", events with shared holders overlapping "
                + sharedOverlapEvents + ", events with an exclusive holder not alone " + overlapEvents
                + ", lvb reads " + lvbReads + " (anomalies " + lvbAnomalies + "), requests " + requests
                + ", holders told " + notifications + " (" + unconfirmedNotifications + " by a request whose outcome was "
                + "not reported)";
    }
}
