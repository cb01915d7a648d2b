package org.diskpaxos.activedisk.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Prng;

/**
 * One client host of the {@code agent-io} workload: {@value #CHAINS} chains of random register operations against
 * random agents, through {@link SimAgentClient}s. Ranks are {@code (counter, 0, client + 1)} with a per-client
 * counter, so ranks never repeat, and clients' counters interleave, which mixes commits with aborts. Instances
 * drift upwards over time, so windows slide and old instances get compacted. Some writes are resent unchanged (a
 * retry after a lost reply); compare-and-writes increment a counter in a block.
 */
final class AgentIoClient {
    static final int CHAINS = 3;
    static final long TIMEOUT_NS = 50_000_000L;
    static final int INSTANCE_SPREAD = 6;

    private final HostContext host;
    private final AgentIoWorkload workload;
    private final AgentOracle oracle;
    private final Prng prng;
    private final int clientId;
    private final List<SimAgentClient> agents = new ArrayList<>();
    private final byte[][][] knownBlocks;
    private final List<AgentRequest.RrWrite> sentWrites = new ArrayList<>();
    private long counter;

    AgentIoClient(HostContext host, AgentIoWorkload workload, AgentOracle oracle, int agentCount, int casBlocks) {
        this.host = host;
        this.workload = workload;
        this.oracle = oracle;
        this.prng = host.prng();
        this.clientId = host.hostIndex();
        SimClientPort port = new SimClientPort(host);
        for (int a = 0; a < agentCount; a++) {
            agents.add(port.connect(a, 16));
        }
        this.knownBlocks = new byte[agentCount][casBlocks][AgentLimits.CAS_BLOCK_BYTES];
        // Clients of later incarnations start higher, as a process would from a rank it persisted or read.
        this.counter = (long) host.incarnation() * 1_000_000L;
    }

    void start() {
        for (int c = 0; c < CHAINS; c++) {
            host.loop().schedule(prng.nextLong(0, 1_000_000), this::next);
        }
    }

    private AgentRank nextRank() {
        counter += 1 + prng.nextInt(3);
        return new AgentRank(counter, 0, clientId + 1);
    }

    private String resource() {
        return "r" + prng.nextInt(AgentIoWorkload.RESOURCES_USED);
    }

    private long instance() {
        return counter / 40 + prng.nextInt(INSTANCE_SPREAD);
    }

    private void next() {
        int a = prng.nextInt(agents.size());
        int roll = prng.nextInt(100);
        AgentRequest request;
        if (roll < 35) {
            request = write();
        } else if (roll < 45 && !sentWrites.isEmpty()) {
            request = sentWrites.get(prng.nextInt(sentWrites.size()));
        } else if (roll < 70) {
            String r = resource();
            AgentRank rank = prng.chance(0.1) ? AgentRank.ZERO : nextRank();
            oracle.invokedRank(r, rank);
            request = new AgentRequest.RrRead(r, instance(), rank);
        } else if (roll < 80) {
            String r = resource();
            AgentRank rank = nextRank();
            oracle.invokedRank(r, rank);
            request = new AgentRequest.RrReadFrom(r, Math.max(0, instance() - 4), rank);
        } else if (roll < 95) {
            int block = prng.nextInt(knownBlocks[a].length);
            byte[] expected = knownBlocks[a][block];
            byte[] replacement = new byte[AgentLimits.CAS_BLOCK_BYTES];
            ByteBuffer.wrap(replacement).order(ByteOrder.LITTLE_ENDIAN).putLong(0, AgentOracle.counterOf(expected) + 1)
                    .putLong(8, clientId).putLong(16, counter++);
            oracle.invokedCas(a, block, replacement);
            request = new AgentRequest.CompareAndWrite(block, expected, replacement);
        } else {
            request = new AgentRequest.Stat();
        }
        SimAgentClient agent = agents.get(a);
        agent.send(request, TIMEOUT_NS, reply -> done(a, request, reply));
    }

    private AgentRequest.RrWrite write() {
        String r = resource();
        long instance = instance();
        AgentRank rank = nextRank();
        byte[] value = new byte[prng.nextInt(0, 25)];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) prng.nextInt(256);
        }
        oracle.invokedWrite(r, instance, rank, value);
        AgentRequest.RrWrite w = new AgentRequest.RrWrite(r, instance, rank, value);
        if (sentWrites.size() < 64) {
            sentWrites.add(w);
        } else {
            sentWrites.set(prng.nextInt(sentWrites.size()), w);
        }
        return w;
    }

    private void done(int agent, AgentRequest request, AgentReply reply) {
        oracle.checkReply(agent, request, reply);
        if (request instanceof AgentRequest.CompareAndWrite c && reply instanceof AgentReply.CasResult r) {
            knownBlocks[agent][c.block()] = r.current();
        }
        if (reply instanceof AgentReply.RrReadResult r) {
            counter = Math.max(counter, r.previousR().round());
        } else if (reply instanceof AgentReply.RrWriteResult w) {
            counter = Math.max(counter, w.hint().round());
        }
        workload.completed(host, agent, reply);
        host.loop().schedule(prng.nextLong(0, 2_000_000), this::next);
    }
}
