package org.diskpaxos.paxos.active;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.core.ActiveClientCore;
import org.diskpaxos.paxos.active.core.ClientIo;

/**
 * One process incarnation's client of one resource on {@code n} active-disk agents: the driver of
 * {@link ActiveClientCore}. It sends the core's requests through {@link AgentConnection}s (real agents over TCP,
 * simulated agents, or the in-host register file: the same code for all), feeds their replies back, and runs the
 * retry timers and per-operation deadlines on the connections' {@link EventLoop}. It hands out
 * {@link ActiveRankedRegister}s, one per consensus instance, which share its fence and rank memory.
 *
 * <p>Building one:
 * <pre>
 *   // real agents: one transport and event loop per process, one AgentClient per agent
 *   AgentTransport transport = AgentTransport.start("my-process");
 *   ThreadedEventLoop loop = new ThreadedEventLoop("consensus");
 *   List&lt;AgentConnection&gt; agents = List.of(transport.connect(addr1, key, loop, AgentClientOptions.defaults("me")),
 *       transport.connect(addr2, key, loop, ...), transport.connect(addr3, key, loop, ...));
 *   ActiveResource resource = new ActiveResource("orders", agents, ProcessId.random(), ActiveOptions.defaults());
 *
 *   // simulated agents, on a simulated host
 *   SimClientPort port = new SimClientPort(host);
 *   List&lt;AgentConnection&gt; agents = List.of(port.connect(0, 1024), port.connect(1, 1024), port.connect(2, 1024));
 *   ActiveResource resource = new ActiveResource("orders", agents, ProcessId.random(seededRandom), options);
 * </pre>
 * Keep one {@code ActiveResource} per (process incarnation, resource) and a fresh {@link ProcessId} per
 * incarnation: the resource remembers which value it wrote at which rank, and that memory is what keeps a
 * re-proposal from writing a second value at one rank. Several resources may share connections and a loop.
 *
 * <p>Everything happens on the loop: call {@link #register}'s operations and {@link #nextRank} there. Closing
 * fails the operations in progress ({@code Unavailable}); it does not close the connections, which the caller
 * owns.
 */
public final class ActiveResource implements AutoCloseable {
    private final String name;
    private final List<AgentConnection> agents;
    private final ProcessId processId;
    private final ActiveOptions options;
    private final EventLoop loop;
    private final ActiveClientCore core;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private final List<ClientIo> outbox = new ArrayList<>();
    private long nextOp = 1;
    private boolean draining;
    private boolean closed;

    private static final class Pending {
        final RankedRegister.Callback<RankedRegister.ReadOutcome<ActiveValue>> readCallback;
        final RankedRegister.Callback<RankedRegister.Outcome> writeCallback;
        EventLoop.Scheduled deadline;

        Pending(RankedRegister.Callback<RankedRegister.ReadOutcome<ActiveValue>> readCallback,
                RankedRegister.Callback<RankedRegister.Outcome> writeCallback) {
            this.readCallback = readCallback;
            this.writeCallback = writeCallback;
        }
    }

    /**
     * @param name      the resource's name at the agents
     * @param agents    the agents holding its registers, in a fixed order, all delivering on one event loop
     * @param processId this incarnation's id: the id half of every rank it uses
     */
    public ActiveResource(String name, List<? extends AgentConnection> agents, ProcessId processId,
            ActiveOptions options) {
        this.name = Objects.requireNonNull(name, "name");
        this.agents = List.copyOf(agents);
        this.processId = Objects.requireNonNull(processId, "processId");
        this.options = Objects.requireNonNull(options, "options");
        this.core = new ActiveClientCore(name, this.agents.size(), options.fastPath());
        this.loop = this.agents.get(0).loop();
        for (AgentConnection a : this.agents) {
            if (a.loop() != loop) {
                throw new IllegalArgumentException("resource '" + name + "': agent " + a.name()
                        + " delivers on another event loop than " + this.agents.get(0).name()
                        + "; connect every agent of a resource with one loop");
            }
        }
    }

    public String name() {
        return name;
    }

    public ProcessId processId() {
        return processId;
    }

    public EventLoop loop() {
        return loop;
    }

    public ActiveOptions options() {
        return options;
    }

    public List<AgentConnection> agents() {
        return agents;
    }

    /** The register of consensus instance {@code instance}. */
    public ActiveRankedRegister register(long instance) {
        if (instance < 0) {
            throw new IllegalArgumentException("instance must be non-negative, got " + instance);
        }
        return new ActiveRankedRegister(this, instance);
    }

    /** The rank to start the next proposal with ({@link ActiveClientCore#nextRank}). */
    public Rank nextRank() {
        return core.nextRank(processId);
    }

    /**
     * The newest instance {@code >= from} with a value in the last fence, and that value; null if none (see
     * {@link ActiveClientCore#fenceTop}). Meaningful right after a read of an instance {@code <= from} answered.
     */
    public java.util.Map.Entry<Long, ActiveValue> fenceTop(long from) {
        var top = core.fenceTop(from);
        return top == null ? null : java.util.Map.entry(top.getKey(), top.getValue().value());
    }

    /** The highest rank used or seen on this resource. */
    public Rank highestSeen() {
        return core.highestSeen();
    }

    /** Counters: reads answered by the fence, by the agents, writes sent, late replies, retries. */
    public Stats stats() {
        return new Stats(core.fenceReads(), core.ownWriteReads(), core.networkReads(), core.writes(),
                core.lateReplies(), core.malformedReplies(), core.retries());
    }

    /** What a resource's client has done. */
    public record Stats(long fenceReads, long ownWriteReads, long networkReads, long writes, long lateReplies,
                        long malformedReplies, long retries) {
    }

    // ---------------------------------------------------------------------------------------------------------

    void read(long instance, Rank rank, RankedRegister.Callback<RankedRegister.ReadOutcome<ActiveValue>> callback) {
        long op = begin();
        core.read(op, instance, rank, outbox);
        started(op, new Pending(callback, null));
    }

    void write(long instance, Rank rank, ActiveValue value, RankedRegister.Callback<RankedRegister.Outcome> callback) {
        Objects.requireNonNull(value, "value");
        long op = begin();
        core.write(op, instance, rank, value, outbox);
        started(op, new Pending(null, callback));
    }

    private long begin() {
        if (closed) {
            throw new IllegalStateException("resource '" + name + "' is closed");
        }
        return nextOp++;
    }

    private void started(long op, Pending p) {
        pending.put(op, p);
        if (core.inProgress(op)) {
            p.deadline = loop.schedule(options.opDeadlineNs(), () -> {
                core.onDeadline(op, outbox);
                drain();
            });
        }
        drain();
    }

    /**
     * Executes the outbox. A callback may start the next operation, whose outputs join the outbox and run in this
     * same loop, so nothing recurses. Results of an operation that finished without a message (the fence, the own
     * write) are delivered through {@link EventLoop#execute}, never inside the caller's {@code rrRead}.
     */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            for (int i = 0; i < outbox.size(); i++) {
                ClientIo io = outbox.get(i);
                if (io instanceof ClientIo.Send s) {
                    send(s);
                } else if (io instanceof ClientIo.RetryLater r) {
                    loop.schedule(options.retryDelayNs(), () -> {
                        core.retry(r.op(), r.agent(), outbox);
                        drain();
                    });
                } else if (io instanceof ClientIo.ReadDone d) {
                    Pending p = finished(d.op());
                    loop.execute(() -> p.readCallback.done(d.outcome()));
                } else if (io instanceof ClientIo.WriteDone d) {
                    Pending p = finished(d.op());
                    loop.execute(() -> p.writeCallback.done(d.outcome()));
                }
            }
        } finally {
            outbox.clear();
            draining = false;
        }
    }

    private Pending finished(long op) {
        Pending p = pending.remove(op);
        if (p == null) {
            throw new IllegalStateException("resource '" + name + "': operation " + op + " finished twice");
        }
        if (p.deadline != null) {
            p.deadline.cancel();
        }
        return p;
    }

    private void send(ClientIo.Send s) {
        agents.get(s.agent()).send(s.request(), options.requestTimeoutNs(), reply -> {
            core.onReply(s.op(), s.agent(), reply, outbox);
            drain();
        });
    }

    /** Ends every operation in progress with {@code Unavailable}; later operations throw. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Long op : new ArrayList<>(pending.keySet())) {
            core.onDeadline(op, outbox);
        }
        drain();
    }
}
