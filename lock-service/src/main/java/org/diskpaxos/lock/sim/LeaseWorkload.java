package org.diskpaxos.lock.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.AreaDisk;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.lock.disk.LockspaceSession;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.Workload;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.fault.Tolerance;
import org.diskpaxos.sim.fault.ToleranceSpec;

/**
 * {@code --protocol lease}: {@value #HOSTS} hosts join one lockspace on {@value #DISKS} disks (sanlock's 512-byte,
 * 1 MiB layout) and take turns holding {@value #RESOURCES} resources exclusively — the production
 * {@link Lockspace}, {@link LockspaceSession} and Disk Paxos code on simulated disks, clocks and hosts that crash,
 * pause and drift. While a host believes it holds a lease it writes to the resource's {@link FencedStorage} with
 * its fencing token, through a delayed channel, as a client would.
 *
 * <p>Checked by {@link LeaseChecker} after every event: at most one holder per resource at any virtual instant
 * (within tolerance), fencing tokens strictly increasing per resource, and fenced storage never accepting an older
 * token after a newer one. Within tolerance every resource must be granted again after the heal.
 */
public final class LeaseWorkload implements Workload {
    public static final int HOSTS = 5;
    public static final int DISKS = 3;
    public static final int RESOURCES = 2;
    static final String LOCKSPACE = "simls";
    static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    static final int TRIPS_PER_LIVENESS_PHASE = 80;

    private final Topology topology = new Topology(HOSTS, DISKS,
            new DiskGeometry(GEOMETRY.sectorSizeBytes(), (1 + RESOURCES) * GEOMETRY.sectorsPerArea()));
    private Simulation simulation;
    private LeaseChecker checker;
    private LeaseTimeouts timeouts;
    private final Map<String, Long> counters = new HashMap<>();

    /** The factory registered as {@code lease}. */
    public static WorkloadFactory factory() {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "lease";
            }

            @Override
            public String description() {
                return HOSTS + " hosts taking turns on " + RESOURCES + " exclusive leases over " + DISKS
                        + " disks; single holder, fencing tokens, fenced storage";
            }

            @Override
            public long defaultDurationNs() {
                return 4_000_000_000L;
            }

            @Override
            public Workload create() {
                return new LeaseWorkload();
            }
        };
    }

    @Override
    public Topology topology() {
        return topology;
    }

    /** Disk Paxos' tolerance, and short enough disk trips that a dead holder's leases pass on after the heal. */
    @Override
    public ToleranceSpec tolerance(Topology t) {
        return ToleranceSpec.diskMajority(t).withStaleReplays(false).withAtomicSectors(true)
                .withTripsPerLivenessPhase(TRIPS_PER_LIVENESS_PHASE);
    }

    static long resourceOffsetBytes(int r) {
        return (long) (1 + r) * GEOMETRY.alignSizeBytes();
    }

    static String resourceName(int r) {
        return "res" + r;
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        long tripNsMax = (sim.plan().endAtNs() - sim.plan().healAtNs()) / TRIPS_PER_LIVENESS_PHASE;
        long ioTimeoutNs = Math.max(LeaseTimeouts.IO_TIMEOUT_NS_MIN, tripNsMax * 5 / 2);
        this.timeouts = new LeaseTimeouts(ioTimeoutNs, sim.plan().spec().timing().driftPpmMax());
        boolean strict = sim.plan().tolerance() == Tolerance.WITHIN;
        this.checker = new LeaseChecker(sim, RESOURCES, strict);
        sim.checkers().register(checker);
        AreaInit.LockspaceImage ls = AreaInit.lockspace(LOCKSPACE, GEOMETRY, 1);
        for (int d = 0; d < DISKS; d++) {
            sim.disk(d).medium().format(0, ls.finalArea());
            for (int r = 0; r < RESOURCES; r++) {
                byte[] area = AreaInit.resource(LOCKSPACE, resourceName(r), GEOMETRY, HOSTS);
                DblockStamp.stampBlankDblocks(area, GEOMETRY, HOSTS, areaId(r));
                sim.disk(d).medium().format(resourceOffsetBytes(r), area);
            }
        }
    }

    static long areaId(int r) {
        return DblockStamp.areaId(LOCKSPACE, resourceName(r));
    }

    @Override
    public void onHostStart(HostContext host) {
        new HostAgent(host).join();
    }

    private static final boolean DEBUG = System.getProperty("dp.debug.lease") != null;

    private void count(String what) {
        counters.merge(what, 1L, Long::sum);
    }

    private void debug(int hostId, String what) {
        if (DEBUG) {
            System.err.printf(Locale.ROOT, "%.6f host %d %s%n", simulation.nowNs() / 1e9, hostId, what);
        }
    }

    /** One host incarnation: joins, then acquires, holds and releases leases in turn. */
    private final class HostAgent {
        private final HostContext host;
        private final EventLoop loop;
        private final int hostId;
        private final List<AreaDisk> lockspaceDisks = new ArrayList<>();
        private final DiskPaxosResource[] resources = new DiskPaxosResource[RESOURCES];
        private Lockspace lockspace;
        private LockspaceSession session;

        HostAgent(HostContext host) {
            this.host = host;
            this.loop = host.loop();
            this.hostId = host.hostIndex() + 1;
            for (int d = 0; d < host.disks().size(); d++) {
                lockspaceDisks.add(new AreaDisk(host.disks().get(d), 0, simulation.disk(d).hasWriteCache()));
            }
            for (int r = 0; r < RESOURCES; r++) {
                List<DiskPaxosResource.Disk> disks = new ArrayList<>();
                for (int d = 0; d < host.disks().size(); d++) {
                    AsyncBlockDevice dev = host.disks().get(d);
                    disks.add(new DiskPaxosResource.Disk(dev, resourceOffsetBytes(r), simulation.disk(d).hasWriteCache()));
                }
                resources[r] = new DiskPaxosResource(loop, disks,
                        AreaExpectation.resource(LOCKSPACE, resourceName(r), GEOMETRY), hostId, areaId(r),
                        new DiskPaxosResource.Options(timeouts.ioTimeoutNs(), 4 * timeouts.ioTimeoutNs(),
                                timeouts.ioTimeoutNs() / 4, true),
                        RandomSource.seeded(host.prng().nextLong()));
            }
        }

        void join() {
            String machine = String.format(Locale.ROOT, "%016x", 0x51a0_0000_0000L + hostId);
            HostIdentity identity = new HostIdentity(machine, "00000000000b0071", "simhost" + hostId);
            lockspace = new Lockspace(loop, lockspaceDisks, AreaExpectation.lockspace(LOCKSPACE, GEOMETRY), hostId,
                    identity, timeouts);
            lockspace.join(failure -> {
                debug(hostId, "join: " + (failure == null ? "ok gen " + lockspace.generation() : failure));
                if (failure != null) {
                    count("join failed");
                    loop.schedule(timeouts.ioTimeoutNs(), this::join);
                    return;
                }
                count("joined");
                session = new LockspaceSession(lockspace, (name, done) -> {
                    int r = Integer.parseInt(name.substring(3));
                    done.accept(resources[r], null);
                });
                Lockspace member = lockspace;
                member.onLost(reason -> {
                    debug(hostId, "membership lost: " + reason);
                    count("membership lost");
                    loop.schedule(timeouts.ioTimeoutNs(), this::join);
                });
                next(member, session);
            });
        }

        /** The acquire/hold/release chain of one membership: it stops when that membership ends. */
        private void next(Lockspace member, LockspaceSession memberSession) {
            if (member.state() != Lockspace.State.JOINED) {
                return;
            }
            long think = host.prng().nextLong(0, timeouts.ioTimeoutNs());
            loop.schedule(think, () -> acquire(member, memberSession));
        }

        private void acquire(Lockspace member, LockspaceSession memberSession) {
            if (member.state() != Lockspace.State.JOINED) {
                return;
            }
            int r = host.prng().nextInt(RESOURCES);
            ResourceId id = new ResourceId(LOCKSPACE, resourceName(r));
            long deadline = loop.nowNs() + host.prng().nextLong(0, 3 * timeouts.ioTimeoutNs());
            count("acquire");
            memberSession.acquire(id, LeaseOptions.EXCLUSIVE, deadline, result -> {
                debug(hostId, "acquire " + id + ": " + result);
                if (result instanceof LockspaceSession.AcquireResult.Acquired a) {
                    count("granted");
                    checker.granted(r, hostId, host.incarnation(), a.lease(), member);
                    hold(member, memberSession, r, a.lease(), host.prng().nextInt(1, 4));
                } else {
                    count(result instanceof LockspaceSession.AcquireResult.Busy ? "busy" : "failed");
                    next(member, memberSession);
                }
            });
        }

        private void hold(Lockspace member, LockspaceSession memberSession, int r, LockspaceSession.HeldLease lease,
                          int writesLeft) {
            loop.schedule(host.prng().nextLong(0, timeouts.ioTimeoutNs()), () -> {
                LeaseState s = lease.state();
                if (s == LeaseState.HELD || s == LeaseState.SUSPECT) {
                    count("fenced write");
                    checker.storage(r).send(lease.fence(), host.prng().nextLong(0, timeouts.ioTimeoutNs() / 2));
                }
                if (writesLeft > 1 && (s == LeaseState.HELD || s == LeaseState.SUSPECT)) {
                    hold(member, memberSession, r, lease, writesLeft - 1);
                    return;
                }
                checker.released(r, lease);
                lease.releaseAsync().thenAccept(result -> {
                    count("release " + result);
                    next(member, memberSession);
                });
            });
        }
    }

    @Override
    public String livenessFailure(Simulation sim) {
        StringBuilder missing = new StringBuilder();
        for (int r = 0; r < RESOURCES; r++) {
            if (checker.lastGrantNs(r) <= sim.plan().healAtNs()) {
                missing.append(" ").append(resourceName(r)).append(" was not granted after the heal;");
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    @Override
    public String summary() {
        return "timeouts: " + timeouts.describe() + "; " + new java.util.TreeMap<>(counters) + "; " + checker.summary();
    }
}
