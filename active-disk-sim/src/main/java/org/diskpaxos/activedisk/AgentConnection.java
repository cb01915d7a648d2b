package org.diskpaxos.activedisk;

import org.diskpaxos.blockdev.async.EventLoop;

/**
 * One active-disk agent as a client sees it: requests go out, exactly one reply per request comes back on
 * {@link #loop()}. Implemented by the real network client ({@link AgentClient}), the simulator's client
 * ({@code org.diskpaxos.activedisk.sim.SimAgentClient}) and the in-host register file
 * ({@code org.diskpaxos.activedisk.inhost.InHostAgent}), so a register over {@code n} of them runs unchanged on
 * real agents, in the simulator and between processes of one machine.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #send} never blocks and never throws for agent or network trouble; it must be called on
 *       {@link #loop()}.</li>
 *   <li>The callback runs exactly once, on {@link #loop()}, never inside {@code send}: with the agent's answer,
 *       an {@link AgentReply.Error} the agent sent, or {@link AgentReply.Unavailable} when no answer came within
 *       {@code timeoutNs}, the connection was lost with the request sent, too many requests are in flight, or the
 *       connection is closed.</li>
 *   <li>An {@code Unavailable} request may still take effect at the agent (as in any message-passing system).
 *       Retrying {@code rrRead} and {@code rrWrite} with the same arguments is safe: the agent treats a repeated
 *       write of the same rank and value as committed. Retrying a compare-and-write is not idempotent.</li>
 *   <li>Late or duplicate answers (after a timeout or a reconnect) are counted and dropped, never delivered.</li>
 * </ul>
 */
public interface AgentConnection extends AutoCloseable {

    /** What to call the agent in messages: an address, a file, a simulated host. */
    String name();

    /** Where callbacks run. */
    EventLoop loop();

    /** Sends {@code request}; see the class comment for the contract. {@code timeoutNs} must be positive. */
    void send(AgentRequest request, long timeoutNs, AgentCallback callback);

    /** Fails every outstanding request with {@link AgentReply.Unavailable} and releases the connection. */
    @Override
    void close();
}
