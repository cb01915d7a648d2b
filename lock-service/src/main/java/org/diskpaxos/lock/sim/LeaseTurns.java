package org.diskpaxos.lock.sim;

import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.core.Membership;
import org.diskpaxos.lock.core.MembershipLease;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;

/**
 * What a simulated lease host does once joined, in either mode ({@link LeaseWorkload}, {@link ActiveLeaseWorkload}):
 * acquire a resource (exclusive or shared), read the lock value block, write to the resource's fenced storage while
 * it believes it holds the lease, leave a new lock value block and release; or, finding the lease busy, sometimes ask
 * the holders to let go. Every step is reported to the {@link LeaseChecker}. Before the heal resources and modes are
 * drawn at random; after it every host asks for the resources exclusively in turn, waiting long enough to see a dead
 * holder proven dead, so that each resource must be granted again.
 */
final class LeaseTurns {
    /** Percent of acquires (before the heal) that ask for a shared lease. */
    static final int SHARED_PERCENT = 40;
    /** Percent of busy exclusive acquires followed by a request to the holders; a third of those are forced. */
    static final int REQUEST_PERCENT = 30;

    /** One membership of the host, as the turns use it: the mode's lease calls. */
    interface Member {
        Membership membership();

        boolean joined();

        void acquire(ResourceId id, LeaseOptions options, long deadlineNs, Consumer<Acquired> done);

        /** {@code done} gets the request's outcome, or null if it failed. */
        void request(ResourceId id, RequestMode mode, Consumer<Requested> done);
    }

    /** How an acquire ended: a lease, busy, or (neither) failed. */
    record Acquired(MembershipLease lease, boolean busy, String describe) {
        @Override
        public String toString() {
            return describe;
        }
    }

    /** A request noted at {@code lver} ({@code nobody}: nobody held the resource). */
    record Requested(long lver, boolean nobody, String describe) {
        @Override
        public String toString() {
            return describe;
        }
    }

    private final Simulation simulation;
    private final LeaseChecker checker;
    private final LeaseTimeouts timeouts;
    private final int resources;
    private final String lockspace;
    private final HostContext host;
    private final EventLoop loop;
    private final int hostId;
    private final Consumer<String> count;
    private final Consumer<String> debug;
    private long turnsAfterHeal;

    LeaseTurns(Simulation simulation, LeaseChecker checker, LeaseTimeouts timeouts, int resources, String lockspace,
            HostContext host, int hostId, Consumer<String> count, Consumer<String> debug) {
        this.simulation = simulation;
        this.checker = checker;
        this.timeouts = timeouts;
        this.resources = resources;
        this.lockspace = lockspace;
        this.host = host;
        this.loop = host.loop();
        this.hostId = hostId;
        this.count = count;
        this.debug = debug;
    }

    static String resourceName(int r) {
        return "res" + r;
    }

    /** The acquire/hold/release chain of one membership: it stops when that membership ends. */
    void next(Member member) {
        if (!member.joined()) {
            return;
        }
        long think = host.prng().nextLong(0, timeouts.ioTimeoutNs());
        loop.schedule(think, () -> acquire(member));
    }

    private void acquire(Member member) {
        if (!member.joined()) {
            return;
        }
        boolean healed = simulation.nowNs() >= simulation.plan().healAtNs();
        // After the heal every host takes the resources in turn, so that each is tried again and again (random
        // picks left one untried for a whole liveness phase: seed 1041).
        int r = healed ? (int) (turnsAfterHeal++ % resources) : host.prng().nextInt(resources);
        ResourceId id = new ResourceId(lockspace, resourceName(r));
        LeaseOptions options = !healed && host.prng().nextInt(100) < SHARED_PERCENT ? LeaseOptions.SHARED
                : LeaseOptions.EXCLUSIVE;
        // After the heal, acquirers wait as a client blocked in acquire() would: long enough to see a dead holder's
        // liveness record stay unchanged for hostDead. (With waits of at most 3d they gave up and moved to the other
        // resource before any of them had watched the dead holder that long: seed 1115.)
        long waitNs = healed ? timeouts.hostDeadNs() + 2 * timeouts.ioTimeoutNs()
                : host.prng().nextLong(0, 3 * timeouts.ioTimeoutNs());
        long deadline = loop.nowNs() + waitNs;
        count.accept("acquire " + options.mode());
        debug.accept("acquiring " + id + " " + options.mode() + " for up to " + waitNs / 1000 + " us");
        member.acquire(id, options, deadline, result -> {
            debug.accept("acquire " + id + " " + options.mode() + ": " + result);
            if (result.lease() != null) {
                MembershipLease lease = result.lease();
                count.accept("granted " + options.mode());
                long grantedAtNs = simulation.nowNs();
                checker.granted(r, hostId, host.incarnation(), lease, member.membership());
                boolean[] asked = {false};
                lease.requested().thenAccept(mode -> {
                    count.accept("told of a " + mode + " request");
                    checker.notified(r, lease);
                    asked[0] = true;
                });
                // Hold only once the value is read, as a user of the blocking lvb() would.
                readLvb(r, lease, grantedAtNs, () -> hold(member, r, lease, host.prng().nextInt(1, 4), asked));
            } else if (result.busy() && options.mode() == LeaseMode.EXCLUSIVE
                    && host.prng().nextInt(100) < REQUEST_PERCENT) {
                count.accept("busy");
                request(member, r, id);
            } else {
                count.accept(result.busy() ? "busy" : "failed");
                next(member);
            }
        });
    }

    private void request(Member member, int r, ResourceId id) {
        RequestMode mode = host.prng().nextInt(3) == 0 ? RequestMode.FORCE : RequestMode.GRACEFUL;
        checker.requestMade(r);
        member.request(id, mode, outcome -> {
            debug.accept("request " + id + " " + mode + ": " + outcome);
            if (outcome != null) {
                checker.requestDone(r, outcome.nobody() ? 0 : outcome.lver(), false);
                count.accept(outcome.nobody() ? "request: nobody held it" : "request " + mode);
            } else {
                checker.requestDone(r, 0, true);
                count.accept("request failed");
            }
            next(member);
        });
    }

    /** Reads the lock value block and checks it is a value some exclusive holder set. */
    private void readLvb(int r, MembershipLease lease, long grantedAtNs, Runnable then) {
        lease.lvbAsync().whenComplete((value, error) -> {
            if (error != null) {
                count.accept(error instanceof LeaseLostException ? "lvb: lease lost" : "lvb unreadable");
            } else {
                checker.lvbRead(r, lease, grantedAtNs, LeaseWorkload.writerToken(value));
            }
            loop.execute(then);
        });
    }

    private void hold(Member member, int r, MembershipLease lease, int writesLeft, boolean[] asked) {
        loop.schedule(host.prng().nextLong(0, timeouts.ioTimeoutNs()), () -> {
            LeaseState s = lease.state();
            boolean valid = s == LeaseState.HELD || s == LeaseState.SUSPECT;
            if (valid && lease.mode() == LeaseMode.EXCLUSIVE) {
                count.accept("fenced write");
                checker.storage(r).send(lease.fence(), host.prng().nextLong(0, timeouts.ioTimeoutNs() / 2));
            }
            if (writesLeft > 1 && valid && !asked[0]) {
                hold(member, r, lease, writesLeft - 1, asked);
                return;
            }
            boolean wroteLvb = false;
            if (valid && lease.mode() == LeaseMode.EXCLUSIVE && host.prng().nextInt(4) != 0) {
                lease.setLvb(LeaseWorkload.lvbValue(lease.fence(),
                        host.prng().nextInt(0, lease.lvbCapacityBytes() - LeaseWorkload.LVB_HEADER_BYTES)));
                wroteLvb = true;
            }
            boolean lvbWritten = wroteLvb;
            checker.released(r, lease);
            lease.releaseAsync().thenAccept(result -> {
                count.accept("release " + lease.mode() + " " + result);
                debug.accept("release " + lease + ": " + result);
                if (lvbWritten && result == ReleaseResult.RELEASED) {
                    checker.lvbReleased(r, lease.fence());
                }
                next(member);
            });
        });
    }
}
