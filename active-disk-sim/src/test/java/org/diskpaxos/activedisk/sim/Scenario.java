package org.diskpaxos.activedisk.sim;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoCallback;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.DiskGeometry;
import org.diskpaxos.sim.fault.FaultPlan;
import org.diskpaxos.sim.fault.ToleranceSpec;
import org.diskpaxos.sim.net.LinkFaults;

/**
 * A scripted simulation: one agent (host 0, disk 0) and one client (host 1), no planned faults; the test applies
 * faults itself, at chosen instants. The agent's disk can hold syncs back, to freeze a batch between its writes and
 * its sync.
 */
final class Scenario {
    static final AgentGeometry GEOMETRY = new AgentGeometry(512, 4, 4, 4);
    static final long CALL_TIMEOUT_NS = 20_000_000L;

    final Simulation sim;
    SimAgent agent;
    SimAgentClient client;
    HoldingDevice device;
    final List<SimAgent> agents = new ArrayList<>();

    Scenario(DiskFaults disk, LinkFaults link) {
        Topology t = new Topology(2, 1, new DiskGeometry(512, 128));
        sim = new Simulation(7, t, FaultPlan.none(t, ToleranceSpec.diskMajority(t), 60_000_000_000L, disk,
                LinkFaults.reliable(50_000)));
        SimAgent.installImage(sim.disk(0), new Superblock(1, 2, "scenario", GEOMETRY));
        sim.start(ctx -> {
            if (ctx.hostIndex() == 0) {
                device = new HoldingDevice(ctx.disks().get(0));
                agent = new SimAgent(ctx, device, CoreOptions.defaults(), NO_OBSERVER);
                agents.add(agent);
                agent.start();
            } else {
                client = new SimClientPort(ctx).connect(0, 64);
            }
        });
        runFor(50_000_000L);
        // The plan heals at time 0, which switches loss and duplication off: set the links afterwards.
        sim.network().setLink(0, 1, link);
        sim.network().setLink(1, 0, link);
    }

    void runFor(long ns) {
        sim.runUntil(sim.nowNs() + ns);
    }

    /** Sends from the client and runs the simulation until the reply (or the client's timeout). */
    AgentReply call(AgentRequest request) {
        AgentReply[] reply = new AgentReply[1];
        send(request, r -> reply[0] = r);
        for (int i = 0; i < 100 && reply[0] == null; i++) {
            runFor(1_000_000L);
        }
        if (reply[0] == null) {
            throw new AssertionError("no callback for " + request);
        }
        return reply[0];
    }

    void send(AgentRequest request, org.diskpaxos.activedisk.AgentCallback callback) {
        SimAgentClient c = client;
        c.loop().execute(() -> c.send(request, CALL_TIMEOUT_NS, callback));
    }

    /** Crashes the agent's host and brings it straight back; runs until the new agent has loaded. */
    void restartAgent() {
        sim.host(0).crash();
        sim.host(0).restart();
        runFor(50_000_000L);
    }

    static final SimAgent.Observer NO_OBSERVER = new SimAgent.Observer() {
        @Override
        public void loaded(SimAgent a) {
        }

        @Override
        public void changed(SimAgent a) {
        }

        @Override
        public void replySent(SimAgent a, int client, AgentRequest request, AgentReply reply) {
        }

        @Override
        public void storageFailed(SimAgent a, String why) {
        }
    };

    /** Passes everything through, except that while {@link #holdSyncs} is set syncs are kept and never sent. */
    static final class HoldingDevice implements AsyncBlockDevice {
        private final AsyncBlockDevice inner;
        boolean holdSyncs;
        int held;

        HoldingDevice(AsyncBlockDevice inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long sizeBytes() {
            return inner.sizeBytes();
        }

        @Override
        public int logicalSectorSizeBytes() {
            return inner.logicalSectorSizeBytes();
        }

        @Override
        public void read(long ioId, long offset, IoBuffer buffer, int length, long timeoutNs, IoCallback cb) {
            inner.read(ioId, offset, buffer, length, timeoutNs, cb);
        }

        @Override
        public void write(long ioId, long offset, IoBuffer buffer, int length, long timeoutNs, IoCallback cb) {
            inner.write(ioId, offset, buffer, length, timeoutNs, cb);
        }

        @Override
        public void sync(long ioId, long timeoutNs, IoCallback cb) {
            if (holdSyncs) {
                held++;
                return;
            }
            inner.sync(ioId, timeoutNs, cb);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
