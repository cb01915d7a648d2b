package org.diskpaxos.paxos.active.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.activedisk.sim.AgentOracle;
import org.diskpaxos.activedisk.sim.SimAgent;
import org.diskpaxos.activedisk.sim.SimAgentClient;
import org.diskpaxos.activedisk.sim.SimClientPort;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ActiveOptions;
import org.diskpaxos.paxos.active.ActiveResource;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.Workload;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.disk.DiskFaultEvent;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.fault.TimingBounds;
import org.diskpaxos.sim.fault.ToleranceSpec;
import org.diskpaxos.sim.host.SimHost;

/**
 * {@code --protocol active} and {@code active-10k}: processes run {@link Consensus} instance after instance over
 * {@link org.diskpaxos.paxos.active.ActiveRankedRegister}s on {@value #AGENTS} simulated agents (hosts 0 to 2,
 * agent {@code i} on disk {@code i}; the same {@link SimAgent} as {@code --protocol agent-io}) — the production
 * client core and driver, over the simulated network (delay, loss, duplication, reordering, partitions). The
 * client hosts after the agents each run {@link Config#processesPerHost} processes: each a fresh {@link ProcessId}
 * and its own {@link ActiveResource}, sharing the host's connections, so {@code active-10k} has 10,000 processes
 * with no registration. A host crash ends all its processes; the restarted host starts new ones with new ids.
 *
 * <p>Checked after every event by {@link ActiveConsensusChecker}: agreement, validity, ranked-register safety,
 * monotonic ranks; and by the agents' {@link AgentOracle}: every acknowledged change stays durable. Within
 * tolerance the cluster must keep deciding after the heal ({@link #livenessFailure}).
 *
 * <p>Tolerance: one agent faulty (its host crashed or cut off for good, or its disk stopped for good), any client
 * host but one. Agents' disks stop but never corrupt data silently ({@link ToleranceSpec#faultyDisksCorrupt}): an
 * agent keeps two copies of each record and cannot tell a corrupted or misdirected newest copy from a torn
 * unacknowledged write, so it falls back to the older copy and forgets an acknowledged change; one forgetful agent
 * and one that never saw the write are a majority without it (seeds 288, 499, 986, 1008, 1471, 1516, 1561, 1944,
 * 1956 and 1976 showed it when faulty disks could corrupt). The paper, too, assumes disks that fail by crashing.
 * The fault planner draws a faulty agent host and a faulty disk independently; when they hit two different agents
 * only one of three is left, and progress is not demanded (the summary says "progress not demanded").
 */
public final class ActiveConsensusWorkload implements Workload {
    public static final int AGENTS = 3;
    static final AgentGeometry GEOMETRY = new AgentGeometry(512, 8, 4, 1);
    static final long BACKOFF_SLOT_NS = 2_000_000L;
    static final long REQUEST_TIMEOUT_NS_MIN = 20_000_000L;
    static final long RETRY_DELAY_NS = 5_000_000L;
    static final int INSTANCES_AFTER_HEAL_MIN = 1;

    /**
     * The shape of a run.
     *
     * @param clientHosts         client hosts after the agents
     * @param processesPerHost    consensus processes on each client host
     * @param resources           resources the processes are spread over (process k uses resource k mod this)
     * @param startNsMax          a process starts proposing at a random time below this
     * @param thinkNsMax          after a decision, a process waits a random time below this
     * @param backoffDoublingsMax Consensus' backoff cap: larger for many contending processes
     * @param progressDemanded    whether runs within tolerance must keep deciding after the heal
     */
    public record Config(String protocol, int clientHosts, int processesPerHost, int resources, long startNsMax,
                         long thinkNsMax, int backoffDoublingsMax, long defaultDurationNs, boolean progressDemanded) {
        public Config {
            if (clientHosts < 1 || processesPerHost < 1 || resources < 1 || resources > GEOMETRY.resourcesMax()) {
                throw new IllegalArgumentException("need client hosts, processes and 1.." + GEOMETRY.resourcesMax()
                        + " resources");
            }
        }

        public int processes() {
            return clientHosts * processesPerHost;
        }
    }

    /** A dozen contending processes on three resources. */
    public static final Config SMALL = new Config("active", 4, 3, 3, 5_000_000L, 20_000_000L, 8, 2_000_000_000L,
            true);
    /**
     * 10,000 processes on eight resources, all starting in the first second, then proposing every second or so.
     * Safety only: with 1,250 proposers per register, Consensus' randomized backoff does not give one of them the
     * two quiet operations it needs within the liveness phase (seed 20 decided no instance after the heal).
     */
    public static final Config LARGE = new Config("active-10k", 4, 2500, 8, 1_000_000_000L, 2_000_000_000L, 10,
            3_000_000_000L, false);

    private final Config config;
    private final Topology topology;
    private final ActiveConsensusChecker checker = new ActiveConsensusChecker();
    private final AgentOracle oracle = new AgentOracle(AGENTS, GEOMETRY.casBlocks());
    private Simulation simulation;
    private ActiveOptions options;
    private final String[] status;
    private final long[] outcomesAfterHeal;
    private final int[] incarnation;
    private final List<List<Process>> processes = new ArrayList<>();
    private long proposals;
    private long decisions;
    private long superseded;
    private long failures;
    private long powerRestarts;
    private boolean progressWaived;

    public ActiveConsensusWorkload(Config config) {
        this.config = config;
        int hosts = AGENTS + config.clientHosts();
        this.topology = new Topology(hosts, AGENTS, new DiskGeometry(GEOMETRY.sectorSizeBytes(), 128));
        this.status = new String[hosts];
        this.outcomesAfterHeal = new long[hosts];
        this.incarnation = new int[hosts];
        for (int h = 0; h < hosts; h++) {
            processes.add(new ArrayList<>());
        }
    }

    public static WorkloadFactory factory() {
        return factory(SMALL);
    }

    public static WorkloadFactory largeFactory() {
        return factory(LARGE);
    }

    static WorkloadFactory factory(Config config) {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return config.protocol();
            }

            @Override
            public String description() {
                return String.format(Locale.ROOT, "%,d processes running Active Disk Paxos consensus over %d "
                        + "agents; agreement, validity, ranked-register safety, durability%s", config.processes(),
                        AGENTS, config.progressDemanded() ? "" : " (safety only)");
            }

            @Override
            public long defaultDurationNs() {
                return config.defaultDurationNs();
            }

            @Override
            public Workload create() {
                return new ActiveConsensusWorkload(config);
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
                new ToleranceSpec.HostGroup("clients", AGENTS, config.clientHosts(), config.clientHosts() - 1)),
                TimingBounds.DEFAULT, true, false, 20).withFaultyDisksCorrupt(false);
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        // Timeouts exceed the slowest trip a working agent may take: a twentieth of the liveness phase.
        long tripNsMax = (sim.plan().endAtNs() - sim.plan().healAtNs()) / 20;
        long requestTimeoutNs = Math.max(REQUEST_TIMEOUT_NS_MIN, tripNsMax * 5 / 2);
        this.options = new ActiveOptions(requestTimeoutNs, requestTimeoutNs * 4, RETRY_DELAY_NS, true);
        oracle.install(sim);
        sim.checkers().register(checker);
        for (int d = 0; d < AGENTS; d++) {
            SimAgent.installImage(sim.disk(d), new Superblock(0xAC71FEL, d, "agent-" + d, GEOMETRY));
        }
        sim.addFaultListener(event -> {
            // The disk is inside the agent's machine: its power loss takes the agent down and back up.
            if (event instanceof DiskFaultEvent.PowerLoss p && p.diskIndex() < AGENTS) {
                SimHost h = sim.host(p.diskIndex());
                if (h.isUp()) {
                    powerRestarts++;
                    h.crash();
                    h.restart();
                }
            }
        });
    }

    private static final boolean DEBUG = System.getProperty("dp.debug") != null;

    private SimAgent.Observer debugObserver() {
        return new SimAgent.Observer() {
            @Override
            public void loaded(SimAgent agent) {
                System.err.println(simulation.nowNs() + " agent " + agent.hostIndex() + " loaded");
                oracle.loaded(agent);
            }

            @Override
            public void changed(SimAgent agent) {
                oracle.changed(agent);
            }

            @Override
            public void replySent(SimAgent agent, int client, org.diskpaxos.activedisk.AgentRequest request,
                    org.diskpaxos.activedisk.AgentReply reply) {
                System.err.println(simulation.nowNs() + " agent " + agent.hostIndex() + " -> " + client + ": "
                        + request + " => " + reply);
                oracle.replySent(agent, client, request, reply);
            }

            @Override
            public void storageFailed(SimAgent agent, String why) {
                System.err.println(simulation.nowNs() + " agent " + agent.hostIndex() + " storage failed " + why);
                oracle.storageFailed(agent, why);
            }
        };
    }

    @Override
    public void onHostStart(HostContext host) {
        int h = host.hostIndex();
        incarnation[h] = host.incarnation();
        if (h < AGENTS) {
            new SimAgent(host, host.disks().get(h), CoreOptions.defaults(), DEBUG ? debugObserver() : oracle).start();
            return;
        }
        SimClientPort port = new SimClientPort(host);
        List<AgentConnection> agents = new ArrayList<>();
        for (int a = 0; a < AGENTS; a++) {
            SimAgentClient c = port.connect(a, 2 * config.processesPerHost() + 16);
            agents.add(c);
        }
        Consensus<ActiveValue> consensus = new Consensus<>(host.loop(), RandomSource.seeded(host.prng().nextLong()),
                BACKOFF_SLOT_NS, config.backoffDoublingsMax());
        RandomSource ids = RandomSource.seeded(host.prng().nextLong());
        processes.get(h).clear();
        for (int p = 0; p < config.processesPerHost(); p++) {
            int global = (h - AGENTS) * config.processesPerHost() + p;
            String resource = "res" + (global % config.resources());
            ActiveResource r = new ActiveResource(resource, agents, ProcessId.random(ids), options);
            Process process = new Process(host, p, consensus, r);
            processes.get(h).add(process);
            host.loop().schedule(host.prng().nextLong(0, config.startNsMax()), () -> process.propose(0));
        }
    }

    /** One process of one host incarnation: proposes on instance after instance of its resource. */
    private final class Process {
        private final HostContext host;
        private final Consensus<ActiveValue> consensus;
        private final ActiveResource resource;
        private final String who;
        private final int index;
        /** The instance being proposed on, or -1 between proposals. */
        private long proposing = -1;

        Process(HostContext host, int index, Consensus<ActiveValue> consensus, ActiveResource resource) {
            this.host = host;
            this.consensus = consensus;
            this.resource = resource;
            this.index = index;
            this.who = "host " + host.hostIndex() + "." + host.incarnation() + " process " + index + " ("
                    + resource.processId() + ")";
        }

        void propose(long instance) {
            if (!simulation.host(host.hostIndex()).isAlive(host.incarnation())) {
                return;
            }
            ActiveValue value = ActiveValue.ofUtf8(host.hostIndex() + "." + host.incarnation() + "." + index + "."
                    + instance);
            checker.proposed(resource.name(), instance, value);
            proposals++;
            proposing = instance;
            int h = host.hostIndex();
            status[h] = who + " proposing " + resource.name() + "/" + instance + " since " + simulation.nowNs() + " ns";
            RecordingActiveRegister register = new RecordingActiveRegister(resource.register(instance), checker, who);
            consensus.propose(register, resource.nextRank(), value, decision -> {
                status[h] = who + " " + resource.name() + "/" + instance + ": " + decision + " at "
                        + simulation.nowNs() + " ns";
                boolean current = host.incarnation() == incarnation[h];
                proposing = -1;
                if (decision instanceof Consensus.Decision.Decided<ActiveValue> d) {
                    decisions++;
                    checker.decided(resource.name(), instance, d.value(), who, simulation.nowNs());
                    afterHeal(h, current);
                    host.loop().schedule(host.prng().nextLong(0, config.thinkNsMax()), () -> propose(instance + 1));
                } else if (decision instanceof Consensus.Decision.Superseded<ActiveValue> s) {
                    superseded++;
                    afterHeal(h, current);
                    host.loop().execute(() -> propose(Math.max(instance + 1, s.instanceSeen())));
                } else {
                    failures++;
                    host.loop().schedule(host.prng().nextLong(0, config.thinkNsMax()) + BACKOFF_SLOT_NS,
                            () -> propose(instance));
                }
            });
        }

        private void afterHeal(int h, boolean current) {
            if (current && simulation.nowNs() > simulation.plan().healAtNs()) {
                outcomesAfterHeal[h]++;
            }
        }
    }

    /**
     * Progress after the heal: at least {@value #INSTANCES_AFTER_HEAL_MIN} more instances decided, and every client
     * host that is up and not faulty completed a proposal (decided, or learned that the instance was superseded) or
     * only arrives late ({@link #onlyLate}).
     * Waived when the faulty agent host and the faulty disk are on two different agents (see the class comment).
     */
    @Override
    public String livenessFailure(Simulation sim) {
        if (!config.progressDemanded()) {
            return null;
        }
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
        long after = checker.instancesDecidedAfter(sim.plan().healAtNs());
        if (after < INSTANCES_AFTER_HEAL_MIN) {
            missing.append(" only ").append(after).append(" instances decided;");
        }
        for (int h = AGENTS; h < AGENTS + config.clientHosts(); h++) {
            if (sim.plan().isFaultyHost(h) || !sim.host(h).isUp()) {
                continue;
            }
            if (outcomesAfterHeal[h] == 0 && !onlyLate(h)) {
                missing.append(" host ").append(h).append(" completed no proposal (last: ").append(status[h])
                        .append(");");
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    /**
     * Whether every process of host {@code h} that is proposing is on an instance others have decided: it arrives
     * late, it is not stuck (as in the Disk Paxos workload). One agent register per resource holds the read rank
     * of all its instances, so a laggard writing back an old instance's value is preempted by the processes moving
     * on, for as long as they keep proposing.
     */
    private boolean onlyLate(int h) {
        boolean any = false;
        for (Process p : processes.get(h)) {
            if (p.proposing >= 0) {
                any = true;
                if (!checker.isDecided(p.resource.name(), p.proposing)) {
                    return false;
                }
            }
        }
        return any;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "processes %,d; proposals %d, decided %d, superseded %d, failed %d; "
                + "instances decided %d, reads %d, committed writes %d; agent power-loss restarts %d%s; %s",
                config.processes(), proposals, decisions, superseded, failures, checker.instancesDecided(),
                checker.reads(), checker.commits(), powerRestarts, progressWaived ? "; progress not demanded (two "
                + "agents faulty)" : "", oracle.summary());
    }
}
