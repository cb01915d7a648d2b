package org.diskpaxos.lock.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.core.Membership;
import org.diskpaxos.lock.disk.AreaDisk;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.lock.disk.LockspaceSession;
import org.diskpaxos.lock.disk.ResourceLeases;
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
 * 1 MiB layout) and take turns holding {@value #RESOURCES} resources, exclusively or shared — the production
 * {@link Lockspace}, {@link LockspaceSession} and Disk Paxos code on simulated disks, clocks and hosts that crash,
 * pause and drift. While a host believes it holds a lease exclusively it writes to the resource's
 * {@link FencedStorage} with its fencing token, through a delayed channel, as a client would; every holder reads
 * the lock value block and every exclusive one leaves a new value in it. An exclusive acquirer that finds the lease
 * busy sometimes asks the holders to let go (graceful or forced requests); a holder told so releases early.
 *
 * <p>Checked by {@link LeaseChecker} after every event: an exclusive holder is alone at every virtual instant
 * (within tolerance), lease versions are never granted twice, tokens increase, fenced storage never accepts an older
 * token after a newer one, lock value blocks are never garbage (and within tolerance the newest released), and
 * holders are told only of requests someone made. Within tolerance every resource must be granted exclusively again
 * after the heal (from then on hosts ask for exclusive leases only, so readers cannot keep a writer out forever).
 */
public final class LeaseWorkload implements Workload {
    public static final int HOSTS = 5;
    public static final int DISKS = 3;
    public static final int RESOURCES = 2;
    static final String LOCKSPACE = "simls";
    static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    static final int TRIPS_PER_LIVENESS_PHASE = 80;
    private static final long LVB_MAGIC = 0x53494d4c56423031L;
    static final int LVB_HEADER_BYTES = 24;

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
                return HOSTS + " hosts taking turns on " + RESOURCES + " exclusive and shared leases over " + DISKS
                        + " disks, with lock value blocks and requests; exclusion, fencing tokens, fenced storage";
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
                DblockStamp.stampBlankRecords(area, GEOMETRY, HOSTS, areaId(r));
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
        private final LeaseTurns turns;
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
            this.turns = new LeaseTurns(simulation, checker, timeouts, RESOURCES, LOCKSPACE, host, hostId,
                    LeaseWorkload.this::count, what -> debug(hostId, what));
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
                lockspace.limitRequestScan(HOSTS);
                session = new LockspaceSession(lockspace, (name, done) -> {
                    int r = Integer.parseInt(name.substring(3));
                    done.accept(resources[r], null);
                }, RandomSource.seeded(host.prng().nextLong()));
                Lockspace member = lockspace;
                member.onLost(reason -> {
                    debug(hostId, "membership lost: " + reason);
                    count("membership lost");
                    loop.schedule(timeouts.ioTimeoutNs(), this::join);
                });
                turns.next(member(member, session));
            });
        }

        /** This membership as the turns use it. */
        private LeaseTurns.Member member(Lockspace member, LockspaceSession memberSession) {
            return new LeaseTurns.Member() {
                @Override
                public Membership membership() {
                    return member;
                }

                @Override
                public boolean joined() {
                    return member.state() == Lockspace.State.JOINED;
                }

                @Override
                public void acquire(ResourceId id, LeaseOptions options, long deadlineNs,
                        Consumer<LeaseTurns.Acquired> done) {
                    memberSession.acquire(id, options, deadlineNs, result -> done.accept(new LeaseTurns.Acquired(
                            result instanceof LockspaceSession.AcquireResult.Acquired a ? a.lease() : null,
                            result instanceof LockspaceSession.AcquireResult.Busy, result.toString())));
                }

                @Override
                public void request(ResourceId id, RequestMode mode, Consumer<LeaseTurns.Requested> done) {
                    memberSession.request(id, mode, outcome -> done.accept(
                            outcome instanceof ResourceLeases.RequestOutcome.Requested q ? new LeaseTurns.Requested(
                                    q.lver(), q.holderHostIds().isEmpty(), outcome.toString()) : null));
                }
            };
        }
    }

    /**
     * A lock value block the simulation writes: magic, the writer's token, a check word mixed from the token and the
     * length, then {@code padding} bytes of a pattern of it — so a flipped bit anywhere, a value cut short or bytes
     * from elsewhere read as garbage.
     */
    static byte[] lvbValue(long token, int padding) {
        long check = mix(token ^ ((long) (LVB_HEADER_BYTES + padding) << 40));
        ByteBuffer b = ByteBuffer.allocate(LVB_HEADER_BYTES + padding);
        b.putLong(LVB_MAGIC).putLong(token).putLong(check);
        for (int i = 0; i < padding; i++) {
            b.put(patternByte(check, i));
        }
        return b.array();
    }

    /** The token a value was set under, 0 for the empty block, -1 for bytes no holder would have set. */
    static long writerToken(byte[] value) {
        if (value.length == 0) {
            return 0;
        }
        if (value.length < LVB_HEADER_BYTES) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        long magic = b.getLong();
        long token = b.getLong();
        long check = b.getLong();
        if (magic != LVB_MAGIC || token <= 0 || check != mix(token ^ ((long) value.length << 40))) {
            return -1;
        }
        for (int i = 0; i < value.length - LVB_HEADER_BYTES; i++) {
            if (value[LVB_HEADER_BYTES + i] != patternByte(check, i)) {
                return -1;
            }
        }
        return token;
    }

    /** A bijection on longs (SplitMix64's finaliser): tokens differing in any bit have unrelated check words. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static byte patternByte(long check, int i) {
        return (byte) ((check >>> (8 * (i % 8))) + i);
    }

    @Override
    public String livenessFailure(Simulation sim) {
        StringBuilder missing = new StringBuilder();
        for (int r = 0; r < RESOURCES; r++) {
            if (checker.lastExclusiveGrantNs(r) <= sim.plan().healAtNs()) {
                missing.append(" ").append(resourceName(r)).append(" was not granted exclusively after the heal;");
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    @Override
    public String summary() {
        return "timeouts: " + timeouts.describe() + "; " + new java.util.TreeMap<>(counters) + "; " + checker.summary();
    }
}
