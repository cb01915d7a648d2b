package org.diskpaxos.activedisk;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.blockdev.async.EventLoop;

/**
 * A connection to one real agent over TCP: the production {@link AgentConnection}. Made by
 * {@link AgentTransport#connect}; the transport's selector thread does the network I/O, authentication and
 * reconnection, and this object keeps the requests waiting for replies, on the caller's {@link EventLoop}.
 *
 * <p>Requests sent before the first connection, or while reconnecting, wait (within their timeout) and go out on
 * the next session. A request already sent when its connection drops gets {@link AgentReply.Unavailable} at once:
 * whether the agent executed it is unknown. Request ids are never reused, so a late reply (after a timeout or on
 * an old session) cannot be mistaken for another request's: it is counted ({@link #lateReplies()}) and dropped.
 *
 * <p>Threads: {@link #send} and {@link #close} on the loop; everything else here is called by the transport.
 */
public final class AgentClient implements AgentConnection {
    private final AgentTransport transport;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final AgentClientOptions options;
    private final String name;
    private final Map<Long, Pending> pending = new HashMap<>();
    final ConcurrentLinkedQueue<Outgoing> outgoing = new ConcurrentLinkedQueue<>();
    /** Set while the transport has this client in its to-pump queue. */
    final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private long nextRequestId = 1;
    private boolean closed;
    private final AtomicLong lateReplies = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong droppedDeliveries = new AtomicLong();
    private volatile String lastProblem = "not connected yet";
    private volatile String agentId;
    private volatile String agentName;

    /** A request handed to the transport; {@code cancelled} once it timed out, so an unsent one is skipped. */
    record Outgoing(long requestId, AgentRequest request, AtomicBoolean cancelled) {
    }

    private static final class Pending {
        final long id;
        final AgentCallback callback;
        final AtomicBoolean cancelled;
        EventLoop.Scheduled timer;

        Pending(long id, AgentCallback callback, AtomicBoolean cancelled) {
            this.id = id;
            this.callback = callback;
            this.cancelled = cancelled;
        }
    }

    AgentClient(AgentTransport transport, InetSocketAddress address, EventLoop loop, AgentClientOptions options) {
        this.transport = transport;
        this.address = address;
        this.loop = loop;
        this.options = options;
        this.name = "agent " + address.getHostString() + ":" + address.getPort();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    public InetSocketAddress address() {
        return address;
    }

    AgentClientOptions options() {
        return options;
    }

    @Override
    public void send(AgentRequest request, long timeoutNs, AgentCallback callback) {
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNs + " ns");
        }
        if (closed) {
            later(callback, new AgentReply.Unavailable(name + ": the connection is closed"));
            return;
        }
        if (pending.size() >= options.inFlightMax()) {
            later(callback, new AgentReply.Unavailable(name + ": " + options.inFlightMax()
                    + " requests already wait for replies; slow down or raise the client's in-flight limit"));
            return;
        }
        long id = nextRequestId++;
        Pending p = new Pending(id, callback, new AtomicBoolean());
        pending.put(id, p);
        p.timer = loop.schedule(timeoutNs, () -> timedOut(p, timeoutNs));
        outgoing.add(new Outgoing(id, request, p.cancelled));
        transport.wake(this);
    }

    private void later(AgentCallback callback, AgentReply reply) {
        loop.execute(() -> callback.done(reply));
    }

    private void timedOut(Pending p, long timeoutNs) {
        if (pending.remove(p.id) == null) {
            return;
        }
        p.cancelled.set(true);
        p.callback.done(new AgentReply.Unavailable(name + ": no answer within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (" + lastProblem + ")"));
    }

    /** Fails every waiting request and stops reconnecting. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Pending p : List.copyOf(pending.values())) {
            pending.remove(p.id);
            p.cancelled.set(true);
            if (p.timer != null) {
                p.timer.cancel();
            }
            p.callback.done(new AgentReply.Unavailable(name + ": the connection was closed"));
        }
        transport.closeClient(this);
    }

    // ------------------------------------------------------------------ called by the transport thread

    void replied(long requestId, AgentReply reply) {
        post(() -> {
            Pending p = pending.remove(requestId);
            if (p == null) {
                lateReplies.incrementAndGet();
                return;
            }
            if (p.timer != null) {
                p.timer.cancel();
            }
            p.callback.done(reply);
        });
    }

    void sessionLost(List<Long> sentIds, String reason) {
        lastProblem = reason;
        if (sentIds.isEmpty()) {
            return;
        }
        post(() -> {
            for (long id : sentIds) {
                Pending p = pending.remove(id);
                if (p != null) {
                    if (p.timer != null) {
                        p.timer.cancel();
                    }
                    p.callback.done(new AgentReply.Unavailable(name + ": connection lost with the request sent ("
                            + reason + "); it may or may not have been executed"));
                }
            }
        });
    }

    void sessionStarted(String id, String agent) {
        agentId = id;
        agentName = agent;
        sessions.incrementAndGet();
        lastProblem = "connected to agent '" + agent + "'";
    }

    void problem(String reason) {
        lastProblem = reason;
    }

    private void post(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            droppedDeliveries.incrementAndGet();
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ observations

    /** Replies that came after their request timed out or failed, or twice: counted and dropped. */
    public long lateReplies() {
        return lateReplies.get();
    }

    /** Authenticated sessions so far (1 + reconnects). */
    public long sessions() {
        return sessions.get();
    }

    /** Replies the loop refused (it was full); their requests time out. */
    public long droppedDeliveries() {
        return droppedDeliveries.get();
    }

    /** The agent's id (32 hex digits) from its last hello; null before the first session. */
    public String agentId() {
        return agentId;
    }

    public String agentName() {
        return agentName;
    }

    /** The last connection problem, or the current session's description. */
    public String lastProblem() {
        return lastProblem;
    }
}
