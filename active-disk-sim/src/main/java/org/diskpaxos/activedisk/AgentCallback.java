package org.diskpaxos.activedisk;

/** Receives the one reply to a request, on the connection's event loop. */
@FunctionalInterface
public interface AgentCallback {
    void done(AgentReply reply);
}
