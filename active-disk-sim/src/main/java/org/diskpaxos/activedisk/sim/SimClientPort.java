package org.diskpaxos.activedisk.sim;

import java.util.Objects;
import java.util.TreeMap;
import org.diskpaxos.sim.HostContext;

/**
 * A simulated host's side of talking to agents: binds the host's network endpoint once and routes each agent's
 * replies to its {@link SimAgentClient}. The session id (drawn from the host's random stream, so new per
 * incarnation) lets agents tell this incarnation's requests from a previous one's.
 */
public final class SimClientPort {
    private final HostContext host;
    private final long session;
    private final TreeMap<Integer, SimAgentClient> clients = new TreeMap<>();
    private long strayMessages;

    public SimClientPort(HostContext host) {
        this.host = Objects.requireNonNull(host);
        long s = host.prng().nextLong();
        this.session = s == 0 ? 1 : s;
        host.endpoint().bind(host.loop(), this::onMessage);
    }

    /** The client for the agent at network address {@code agentAddress}. */
    public SimAgentClient connect(int agentAddress, int inFlightMax) {
        if (clients.containsKey(agentAddress)) {
            throw new IllegalStateException("already connected to agent " + agentAddress);
        }
        SimAgentClient c = new SimAgentClient(host, agentAddress, session, inFlightMax);
        clients.put(agentAddress, c);
        return c;
    }

    private void onMessage(int source, byte[] payload) {
        SimAgentClient c = clients.get(source);
        SimEnvelope env = SimEnvelope.decode(payload);
        if (c == null || env == null || env.session() != session) {
            strayMessages++;
            return;
        }
        c.onReply(env);
    }

    /** Messages for no client of this incarnation (an old session's replies, or garbage). */
    public long strayMessages() {
        return strayMessages;
    }
}
