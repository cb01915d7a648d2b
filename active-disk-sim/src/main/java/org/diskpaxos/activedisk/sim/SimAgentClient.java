package org.diskpaxos.activedisk.sim;

import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentCallback;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.wire.Decoded;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.HostContext;

/**
 * The simulator's {@link AgentConnection}: requests go to a {@link SimAgent} as {@link SimEnvelope}s over the
 * simulated network (delays, loss, duplication, reordering, partitions), replies come back on the host's loop.
 * Same contract as the real client: one callback per request, {@link AgentReply.Unavailable} on timeout, late and
 * duplicate replies counted and dropped. Made by {@link SimClientPort#connect}.
 */
public final class SimAgentClient implements AgentConnection {
    private final HostContext host;
    private final int agentAddress;
    private final long session;
    private final int inFlightMax;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long nextRequestId = 1;
    private boolean closed;
    private long lateReplies;
    private long malformedReplies;

    private static final class Pending {
        final AgentCallback callback;
        EventLoop.Scheduled timer;

        Pending(AgentCallback callback) {
            this.callback = callback;
        }
    }

    SimAgentClient(HostContext host, int agentAddress, long session, int inFlightMax) {
        this.host = host;
        this.agentAddress = agentAddress;
        this.session = session;
        this.inFlightMax = inFlightMax;
    }

    @Override
    public String name() {
        return "simulated agent on host " + agentAddress;
    }

    @Override
    public EventLoop loop() {
        return host.loop();
    }

    public int agentAddress() {
        return agentAddress;
    }

    @Override
    public void send(AgentRequest request, long timeoutNs, AgentCallback callback) {
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNs);
        }
        if (closed || pending.size() >= inFlightMax) {
            AgentReply r = new AgentReply.Unavailable(name() + (closed ? ": closed" : ": " + inFlightMax
                    + " requests already in flight"));
            host.loop().execute(() -> callback.done(r));
            return;
        }
        long id = nextRequestId++;
        Pending p = new Pending(callback);
        pending.put(id, p);
        p.timer = host.loop().schedule(timeoutNs, () -> {
            if (pending.remove(id) != null) {
                callback.done(new AgentReply.Unavailable(name() + ": no answer within " + timeoutNs + " ns"));
            }
        });
        host.endpoint().send(agentAddress, new SimEnvelope(MessageCodec.typeOf(request), session, id,
                MessageCodec.encodeRequest(request)).encode());
    }

    void onReply(SimEnvelope env) {
        Pending p = pending.remove(env.requestId());
        if (p == null) {
            lateReplies++;
            return;
        }
        p.timer.cancel();
        Decoded<AgentReply> d = MessageCodec.decodeReply(env.type(), env.payload());
        if (!d.ok()) {
            malformedReplies++;
            p.callback.done(new AgentReply.Unavailable(name() + ": undecodable reply: " + d.reason()));
            return;
        }
        p.callback.done(d.value());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Long id : pending.keySet().toArray(new Long[0])) {
            Pending p = pending.remove(id);
            p.timer.cancel();
            p.callback.done(new AgentReply.Unavailable(name() + ": closed"));
        }
    }

    public long lateReplies() {
        return lateReplies;
    }

    public long malformedReplies() {
        return malformedReplies;
    }

    public int inFlight() {
        return pending.size();
    }
}
