package org.diskpaxos.lock.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.activedisk.sim.AgentOracle;
import org.diskpaxos.activedisk.sim.SimAgent;
import org.diskpaxos.activedisk.sim.SimClientPort;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.active.ActiveLeases;
import org.diskpaxos.lock.active.ActiveLockspace;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.core.Membership;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ProcessId;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.Workload;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.disk.DiskFaultEvent;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.fault.Tolerance;
import org.diskpaxos.sim.fault.TimingBounds;
import org.diskpaxos.sim.fault.ToleranceSpec;
import org.diskpaxos.sim.host.SimHost;

/**
 * {@code --protocol lease-active}: the lease workload of {@code --protocol lease} in active mode. {@value #AGENTS}
 * simulated agents (hosts 0 to 2, each on its own disk, the same {@link SimAgent} as {@code --protocol active}) hold
 * the heartbeat registers and the resources' consensus instances; {@value #HOSTS} lease hosts (hosts 3 to 7) join
 * with the production {@link ActiveLockspace} and {@link ActiveLeases} over the simulated network, and take turns
 * holding {@value #RESOURCES} resources exclusively or shared, with lock value blocks, requests and fenced writes.
 *
 * <p>Checked after every event by the same {@link LeaseChecker} as disk mode (exclusion within tolerance, agreement
 * on lease versions always, increasing tokens, fenced storage, lock value blocks, requests) and by the agents'
 * {@link AgentOracle} (every acknowledged change stays durable). Within tolerance every resource must be granted
 * exclusively again after the heal.
 *
 * <p>Tolerance: one agent faulty (host crashed or cut off, or its disk stopped; disks that fail stop rather than
 * corrupt, as for {@code --protocol active}), any lease host but one, pauses and drift within the timing bounds.
 */
public final class ActiveLeaseWorkload implements Workload {
    public static final int AGENTS = 3;
    public static final int HOSTS = 5;
    public static final int RESOURCES = 2;
    static final String LOCKSPACE = "simls";
    static final AgentGeometry GEOMETRY = new AgentGeometry(512, 16, 4, 1);
    static final int TRIPS_PER_LIVENESS_PHASE = 160;
    /** The simulated network's longest message delay (the fault planner's bound: 20 ms over a minimum of 0.1). */
    static final long NET_DELAY_NS_MAX = 20_100_000L;

    private final Topology topology = new Topology(AGENTS + HOSTS, AGENTS,
            new DiskGeometry(GEOMETRY.sectorSizeBytes(), (int) GEOMETRY.sectorCount() + 8));
    private final AgentOracle oracle = new AgentOracle(AGENTS, GEOMETRY.casBlocks());
    private final Map<String, Long> counters = new HashMap<>();
    private Simulation simulation;
    private LeaseChecker checker;
    private LeaseTimeouts timeouts;
    private boolean progressWaived;

    public static WorkloadFactory factory() {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "lease-active";
            }

            @Override
            public String description() {
                return HOSTS + " hosts taking turns on " + RESOURCES + " exclusive and shared leases over " + AGENTS
                        + " active-disk agents (heartbeat registers, consensus per lease version); exclusion, "
                        + "fencing tokens, fenced storage, durability";
            }

            @Override
            public long defaultDurationNs() {
                return 6_000_000_000L;
            }

            @Override
            public Workload create() {
                return new ActiveLeaseWorkload();
            }
        };
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public ToleranceSpec tolerance(Topology t) {
        return new ToleranceSpec(1, List.of(new ToleranceSpec.HostGroup("agents", 0, AGENTS, 1),
                new ToleranceSpec.HostGroup("hosts", AGENTS, HOSTS, HOSTS - 1)), TimingBounds.DEFAULT, true, false,
                TRIPS_PER_LIVENESS_PHASE).withFaultyDisksCorrupt(false);
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        // One agent request within tolerance: a message there and one back (each at most NET_DELAY_NS_MAX), and the
        // agent's write and sync (each at most one disk trip). Sized as for disk mode (2.5 disk trips) the timeout
        // was shorter than a slow but healthy request, and hosts lost their memberships after the heal (seed 622).
        long tripNsMax = (sim.plan().endAtNs() - sim.plan().healAtNs()) / TRIPS_PER_LIVENESS_PHASE;
        long ioTimeoutNs = Math.max(LeaseTimeouts.IO_TIMEOUT_NS_MIN, 2 * NET_DELAY_NS_MAX + 3 * tripNsMax);
        this.timeouts = new LeaseTimeouts(ioTimeoutNs, sim.plan().spec().timing().driftPpmMax());
        this.checker = new LeaseChecker(sim, RESOURCES, sim.plan().tolerance() == Tolerance.WITHIN);
        sim.checkers().register(checker);
        oracle.install(sim);
        for (int d = 0; d < AGENTS; d++) {
            SimAgent.installImage(sim.disk(d), new Superblock(0xAC71FEL, d, "agent-" + d, GEOMETRY));
        }
        sim.addFaultListener(event -> {
            // The disk is inside the agent's machine: its power loss takes the agent down and back up.
            if (event instanceof DiskFaultEvent.PowerLoss p && p.diskIndex() < AGENTS) {
                SimHost h = sim.host(p.diskIndex());
                if (h.isUp()) {
                    count("agent power-loss restart");
                    h.crash();
                    h.restart();
                }
            }
        });
    }

    @Override
    public void onHostStart(HostContext host) {
        int h = host.hostIndex();
        if (h < AGENTS) {
            new SimAgent(host, host.disks().get(h), CoreOptions.defaults(), oracle).start();
            return;
        }
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


    /** One lease host incarnation: joins, then acquires, holds and releases leases in turn. */
    private final class HostAgent {
        private final HostContext host;
        private final EventLoop loop;
        private final int hostId;
        private final List<AgentConnection> agents = new ArrayList<>();
        private final LeaseTurns turns;

        HostAgent(HostContext host) {
            this.host = host;
            this.loop = host.loop();
            this.hostId = host.hostIndex() - AGENTS + 1;
            SimClientPort port = new SimClientPort(host);
            for (int a = 0; a < AGENTS; a++) {
                agents.add(port.connect(a, 64));
            }
            this.turns = new LeaseTurns(simulation, checker, timeouts, RESOURCES, LOCKSPACE, host, hostId,
                    ActiveLeaseWorkload.this::count, what -> debug(hostId, what));
        }

        void join() {
            String machine = String.format(Locale.ROOT, "%016x", 0x51a0_0000_0000L + hostId);
            HostIdentity identity = new HostIdentity(machine, "00000000000b0071", "simhost" + hostId);
            ActiveLockspace member = new ActiveLockspace(LOCKSPACE, agents, hostId, identity, timeouts,
                    ProcessId.random(RandomSource.seeded(host.prng().nextLong())));
            member.join(failure -> {
                debug(hostId, "join: " + (failure == null ? "ok gen " + member.generation() : failure));
                if (failure != null) {
                    count("join failed");
                    loop.schedule(timeouts.ioTimeoutNs(), this::join);
                    return;
                }
                count("joined");
                ActiveLeases leases = new ActiveLeases(member, ActiveLeases.optionsFor(timeouts),
                        ProcessId.random(RandomSource.seeded(host.prng().nextLong())),
                        RandomSource.seeded(host.prng().nextLong()));
                member.onLost(reason -> {
                    debug(hostId, "membership lost: " + reason);
                    count("membership lost");
                    loop.schedule(timeouts.ioTimeoutNs(), this::join);
                });
                turns.next(member(member, leases));
            });
        }

        /** This membership as the turns use it. */
        private LeaseTurns.Member member(ActiveLockspace member, ActiveLeases leases) {
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
                    leases.acquire(id, options, deadlineNs, result -> done.accept(new LeaseTurns.Acquired(
                            result instanceof ActiveLeases.AcquireResult.Acquired a ? a.lease() : null,
                            result instanceof ActiveLeases.AcquireResult.Busy, result.toString())));
                }

                @Override
                public void request(ResourceId id, RequestMode mode, Consumer<LeaseTurns.Requested> done) {
                    leases.request(id, mode, outcome -> done.accept(
                            outcome instanceof ActiveLeases.RequestOutcome.Requested q ? new LeaseTurns.Requested(
                                    q.lver(), q.holderHostIds().isEmpty(), outcome.toString()) : null));
                }
            };
        }
    }

    /**
     * Within tolerance, every resource granted exclusively after the heal; waived when the faulty agent host and the
     * faulty disk hit two different agents (only one of three left, as in {@code --protocol active}).
     */
    @Override
    public String livenessFailure(Simulation sim) {
        int lostAgents = 0;
        for (int a = 0; a < AGENTS; a++) {
            if (sim.plan().isFaultyHost(a) || sim.plan().isFaultyDisk(a)) {
                lostAgents++;
            }
        }
        if (lostAgents > (AGENTS - 1) / 2) {
            progressWaived = true;
            return null;
        }
        StringBuilder missing = new StringBuilder();
        for (int r = 0; r < RESOURCES; r++) {
            if (checker.lastExclusiveGrantNs(r) <= sim.plan().healAtNs()) {
                missing.append(" ").append(LeaseTurns.resourceName(r))
                        .append(" was not granted exclusively after the heal;");
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    @Override
    public String summary() {
        return "timeouts: " + timeouts.describe() + "; " + new java.util.TreeMap<>(counters) + "; " + checker.summary()
                + (progressWaived ? "; progress not demanded (two agents faulty)" : "") + "; " + oracle.summary();
    }
}
