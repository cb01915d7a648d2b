package org.diskpaxos.paxos.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskRankedRegister;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.Workload;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.fault.ToleranceSpec;

/**
 * {@code --protocol disk}: {@value #HOSTS} hosts run consensus instance after instance ({@code lver} 1, 2, ...) with
 * {@link Consensus} over {@link DiskRankedRegister}s on {@value #DISKS} shared simulated disks — the production
 * driver and core, on the simulator's disks and event loops. Each host proposes its own value for an instance,
 * moves on when it decides or finds the instance superseded, and starts again from instance 1 after a restart.
 *
 * <p>Checked after every event by {@link DiskPaxosChecker}: agreement, validity, ranked-register safety and
 * monotonic {@code mbal}. In runs within tolerance the cluster must keep deciding after the heal
 * ({@link #livenessFailure}).
 */
public final class DiskPaxosWorkload implements Workload {
    public static final int HOSTS = 5;
    public static final int DISKS = 3;
    static final int SECTOR_SIZE_BYTES = 512;
    static final int MAX_HOSTS = 16;
    static final long IO_TIMEOUT_NS_MIN = 20_000_000L;
    static final long BACKOFF_SLOT_NS = 2_000_000L;
    static final int BACKOFF_DOUBLINGS_MAX = 6;
    static final long THINK_NS_MAX = 5_000_000L;
    static final int INSTANCES_AFTER_HEAL_MIN = 1;
    static final long AREA_ID = DblockStamp.areaId("sim", "disk-paxos");

    private final Topology topology;
    private final int hosts;
    private final DiskPaxosChecker checker = new DiskPaxosChecker();
    private Simulation simulation;
    private long ioTimeoutNs;
    private long opDeadlineNs;
    private final String[] status;
    private final long[] outcomesAfterHeal;
    private long proposals;
    private long decisions;
    private long superseded;
    private long failures;

    public DiskPaxosWorkload() {
        this(HOSTS, DISKS);
    }

    public DiskPaxosWorkload(int hosts, int disks) {
        if (hosts > MAX_HOSTS) {
            throw new IllegalArgumentException("at most " + MAX_HOSTS + " hosts, got " + hosts);
        }
        this.hosts = hosts;
        this.topology = new Topology(hosts, disks, new DiskGeometry(SECTOR_SIZE_BYTES, MAX_HOSTS + 2));
        this.status = new String[hosts];
        this.outcomesAfterHeal = new long[hosts];
    }

    /** The factory registered as {@code disk}. */
    public static WorkloadFactory factory() {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "disk";
            }

            @Override
            public String description() {
                return HOSTS + " hosts running Disk Paxos consensus instances over " + DISKS
                        + " disks; agreement, validity, ranked-register safety";
            }

            @Override
            public long defaultDurationNs() {
                return 2_000_000_000L;
            }

            @Override
            public Workload create() {
                return new DiskPaxosWorkload();
            }
        };
    }

    @Override
    public Topology topology() {
        return topology;
    }

    /**
     * A minority of faulty disks, which may stop, corrupt data detectably, or misdirect reads or writes (caught
     * by checksums, {@link DblockStamp}s and the own-block read-back) — but not both on one disk, which can replay
     * a stale copy of the right block: a Byzantine disk, which majority quorums cannot survive. Like sanlock and
     * the paper, the protocol relies on a sector write being atomic: a power loss that leaves a half-written
     * sector happens only on a faulty disk.
     */
    @Override
    public ToleranceSpec tolerance(Topology t) {
        return ToleranceSpec.diskMajority(t).withStaleReplays(false).withAtomicSectors(true);
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        // Timeouts must exceed the slowest trip a working disk may take, which the planner bounds by a twentieth of
        // the liveness phase: a disk that is slow but working must not be written off.
        long tripNsMax = (sim.plan().endAtNs() - sim.plan().healAtNs()) / 20;
        this.ioTimeoutNs = Math.max(IO_TIMEOUT_NS_MIN, tripNsMax * 5 / 2);
        this.opDeadlineNs = ioTimeoutNs * 4;
        // Format the lease area as dplock does: blank blocks carrying their host's stamp.
        for (int d = 0; d < topology.diskCount(); d++) {
            for (int h = 1; h <= hosts; h++) {
                sim.disk(d).medium().format((long) (h + 1) * SECTOR_SIZE_BYTES,
                        DblockStamp.stampedBlankSector(SECTOR_SIZE_BYTES, h, AREA_ID));
            }
        }
        sim.checkers().register(checker);
    }

    @Override
    public void onHostStart(HostContext host) {
        new Proposer(host).next(1);
    }

    /** One host incarnation: proposes on instance after instance. */
    private final class Proposer {
        private final HostContext host;
        private final EventLoop loop;
        private final int hostId;
        private final Consensus<Inp> consensus;
        private final List<DiskRankedRegister.Replica> replicas = new ArrayList<>();

        Proposer(HostContext host) {
            this.host = host;
            this.loop = host.loop();
            this.hostId = host.hostIndex() + 1;
            this.consensus = new Consensus<>(loop, RandomSource.seeded(host.prng().nextLong()), BACKOFF_SLOT_NS,
                    BACKOFF_DOUBLINGS_MAX);
            for (int d = 0; d < host.disks().size(); d++) {
                // One write gate per disk, for all lvers; a sync only where the disk has a volatile write cache.
                replicas.add(new DiskRankedRegister.Replica(host.disks().get(d), 0,
                        simulation.disk(d).hasWriteCache()));
            }
        }

        void next(long lver) {
            loop.schedule(host.prng().nextLong(0, THINK_NS_MAX), () -> propose(lver));
        }

        void propose(long lver) {
            status[hostId - 1] = "incarnation " + host.incarnation() + " proposing lver " + lver + " since "
                    + simulation.nowNs() + " ns";
            DiskRankedRegister.Config config = new DiskRankedRegister.Config(SECTOR_SIZE_BYTES, MAX_HOSTS, hosts,
                    hostId, lver, ioTimeoutNs, opDeadlineNs, ModeBlock.NONE, AREA_ID, true);
            DiskRankedRegister disk = new DiskRankedRegister(loop, replicas, config);
            RecordingRegister register = new RecordingRegister(disk, lver, checker, hostId, host.incarnation());
            Inp value = new Inp(hostId, host.incarnation() + 1, lver);
            checker.proposed(lver, value);
            proposals++;
            consensus.propose(register, Rank.ofHost(1, hostId), value, decision -> {
                status[hostId - 1] = "incarnation " + host.incarnation() + " lver " + lver + ": " + decision
                        + " at " + simulation.nowNs() + " ns";
                if (simulation.nowNs() > simulation.plan().healAtNs()) {
                    outcomesAfterHeal[hostId - 1]++;
                }
                if (System.getProperty("dp.debug") != null) {
                    System.err.println(simulation.nowNs() + " host " + hostId + " " + status[hostId - 1]);
                }
                if (decision instanceof Consensus.Decision.Decided<Inp> d) {
                    decisions++;
                    checker.decided(lver, d.value(), hostId, simulation.nowNs());
                    next(lver + 1);
                } else if (decision instanceof Consensus.Decision.Superseded<Inp> s) {
                    superseded++;
                    // Join the instance in progress at once: it is the one still undecided.
                    loop.execute(() -> propose(Math.max(lver + 1, s.instanceSeen())));
                } else {
                    failures++;
                    next(lver);
                }
            });
        }
    }

    /**
     * Progress after the heal: the cluster decides at least {@value #INSTANCES_AFTER_HEAL_MIN} more instances, and
     * every host that is up and not faulty completes a proposal (it decided, or learned that the instance was
     * decided by others and moved on). A host that keeps arriving late to instances others decide is not stuck:
     * learning decisions is the lease layer's leader record.
     */
    @Override
    public String livenessFailure(Simulation sim) {
        StringBuilder missing = new StringBuilder();
        if (checker.instancesDecidedAfter(sim.plan().healAtNs()) < INSTANCES_AFTER_HEAL_MIN) {
            missing.append(" only ").append(checker.instancesDecidedAfter(sim.plan().healAtNs()))
                    .append(" instances decided;");
        }
        for (int h = 0; h < hosts; h++) {
            if (sim.plan().isFaultyHost(h) || !sim.host(h).isUp()) {
                continue;
            }
            if (outcomesAfterHeal[h] == 0) {
                missing.append(" host ").append(h + 1).append(" completed no proposal (last: ").append(status[h])
                        .append(");");
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "proposals %d, decided %d, superseded %d, failed %d; instances decided %d,"
                + " reads %d, committed writes %d", proposals, decisions, superseded, failures,
                checker.instancesDecided(), checker.reads(), checker.commits());
    }
}
