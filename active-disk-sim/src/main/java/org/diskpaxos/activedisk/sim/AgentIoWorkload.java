package org.diskpaxos.activedisk.sim;

import java.util.List;
import java.util.Locale;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Superblock;
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
 * {@code --protocol agent-io}: {@value #AGENTS} simulated agents (hosts 0 to 2, agent {@code i} on disk {@code i})
 * and {@value #CLIENTS} client hosts doing random register operations against them over the simulated network,
 * judged by {@link AgentOracle} (durability of every acknowledged fact, plausibility of every reply).
 *
 * <p>Faults: everything the planner draws; agents and clients crash and restart, links drop, duplicate, reorder and
 * partition, disks stall, fail, tear and lose unsynced writes. A disk's power loss takes its agent's host down
 * with it (the disk is inside the agent's machine): the host crashes and restarts at once, so the agent reloads
 * from what the power loss left. Tolerance: one agent faulty (crashed or cut off for good), one disk faulty
 * (corrupting), any client but one.
 *
 * <p>Liveness (within tolerance): after the heal, every client not counted faulty gets a successful answer from
 * every agent whose host and disk are not counted faulty.
 */
public final class AgentIoWorkload implements Workload {
    public static final int AGENTS = 3;
    public static final int CLIENTS = 4;
    static final int RESOURCES_USED = 4;
    static final AgentGeometry GEOMETRY = new AgentGeometry(512, 6, 4, 4);

    private final Topology topology = new Topology(AGENTS + CLIENTS, AGENTS,
            new DiskGeometry(GEOMETRY.sectorSizeBytes(), 128));
    private Simulation simulation;
    private final AgentOracle oracle = new AgentOracle(AGENTS, GEOMETRY.casBlocks());
    private final int[] incarnation = new int[AGENTS + CLIENTS];
    private final boolean[][] answeredAfterHeal = new boolean[AGENTS + CLIENTS][AGENTS];
    private long ok;
    private long errors;
    private final java.util.TreeMap<String, Long> errorCodes = new java.util.TreeMap<>();
    private long unavailable;
    private long commits;
    private long aborts;
    private long powerRestarts;
    private final SimAgent[] agents = new SimAgent[AGENTS];

    public static WorkloadFactory factory() {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "agent-io";
            }

            @Override
            public String description() {
                return AGENTS + " active-disk agents x " + CLIENTS + " clients of random register operations, checked "
                        + "for durability of every acknowledged change";
            }

            @Override
            public long defaultDurationNs() {
                return 1_000_000_000L;
            }

            @Override
            public Workload create() {
                return new AgentIoWorkload();
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
                new ToleranceSpec.HostGroup("clients", AGENTS, CLIENTS, CLIENTS - 1)), TimingBounds.DEFAULT, true, false,
                20);
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        oracle.install(sim);
        for (int d = 0; d < AGENTS; d++) {
            SimAgent.installImage(sim.disk(d), new Superblock(0xA9E47L, d, "agent-" + d, GEOMETRY));
        }
        sim.addFaultListener(event -> {
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

    @Override
    public void onHostStart(HostContext host) {
        int h = host.hostIndex();
        incarnation[h] = host.incarnation();
        java.util.Arrays.fill(answeredAfterHeal[h], false);
        if (h < AGENTS) {
            agents[h] = new SimAgent(host, host.disks().get(h), CoreOptions.defaults(), oracle);
            agents[h].start();
        } else {
            new AgentIoClient(host, this, oracle, AGENTS, GEOMETRY.casBlocks()).start();
        }
    }

    void completed(HostContext host, int agent, AgentReply reply) {
        if (reply instanceof AgentReply.Unavailable) {
            unavailable++;
            return;
        }
        if (reply instanceof AgentReply.Error e) {
            errors++;
            errorCodes.merge(e.code().name(), 1L, Long::sum);
            return;
        }
        ok++;
        if (reply instanceof AgentReply.RrWriteResult w) {
            if (w.outcome() == AgentReply.WriteOutcome.COMMITTED) {
                commits++;
            } else if (w.outcome() == AgentReply.WriteOutcome.ABORTED) {
                aborts++;
            }
        }
        if (host.incarnation() == incarnation[host.hostIndex()] && simulation.nowNs() > simulation.plan().healAtNs()) {
            answeredAfterHeal[host.hostIndex()][agent] = true;
        }
    }

    @Override
    public String livenessFailure(Simulation sim) {
        StringBuilder missing = new StringBuilder();
        for (int c = AGENTS; c < AGENTS + CLIENTS; c++) {
            if (sim.plan().isFaultyHost(c)) {
                continue;
            }
            for (int a = 0; a < AGENTS; a++) {
                if (sim.plan().isFaultyHost(a) || sim.plan().isFaultyDisk(a)) {
                    continue;
                }
                if (!answeredAfterHeal[c][a]) {
                    missing.append(String.format(Locale.ROOT, " client %d got no answer from agent %d;", c, a));
                }
            }
        }
        return missing.length() == 0 ? null : "no progress after the heal:" + missing;
    }

    @Override
    public String summary() {
        long duplicates = 0;
        for (SimAgent a : agents) {
            if (a != null) {
                duplicates += a.duplicatesDropped();
            }
        }
        return String.format(Locale.ROOT, "replies ok %d (commits %d, aborts %d), errors %d %s, unavailable %d; "
                + "power-loss restarts %d, duplicate requests dropped %d (last incarnations); %s", ok, commits,
                aborts, errors, errorCodes, unavailable, powerRestarts, duplicates, oracle.summary());
    }
}
