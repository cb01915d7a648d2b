package org.diskpaxos.activedisk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Blocking calls over the asynchronous {@link AgentConnection}, for tests. */
public final class Calls {
    public static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private Calls() {
    }

    /** Sends on the connection's loop and waits for the one reply. */
    public static AgentReply call(AgentConnection c, AgentRequest request) {
        return call(c, request, TIMEOUT_NS);
    }

    public static AgentReply call(AgentConnection c, AgentRequest request, long timeoutNs) {
        CompletableFuture<AgentReply> f = new CompletableFuture<>();
        c.loop().execute(() -> c.send(request, timeoutNs, f::complete));
        try {
            return f.get(timeoutNs + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            throw new AssertionError("no callback for " + request + " from " + c.name() + ": " + e, e);
        }
    }

    public static AgentRank rank(long round, long id) {
        return new AgentRank(round, 0, id);
    }
}
