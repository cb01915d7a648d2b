package org.diskpaxos.paxos.active;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentCallback;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.ResourceRegisters;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.paxos.ManualLoop;

/**
 * An agent for driver tests: the agent's own register functions ({@link ResourceRegisters}) behind an
 * {@link AgentConnection} on a {@link ManualLoop}. A request takes effect after {@code latencyNs / 2} and its reply
 * arrives after {@code latencyNs}; a reply later than the request's timeout is dropped and the caller gets
 * {@code Unavailable} at the timeout, as the real client does. The test can take the agent down (requests are lost),
 * make it refuse with an error, or drop the next replies (the request still takes effect).
 */
final class LoopAgent implements AgentConnection {
    private final String name;
    private final ManualLoop loop;
    private final int window;
    final TreeMap<String, ResourceRegisters> registers = new TreeMap<>();
    final List<AgentRequest> received = new ArrayList<>();
    long latencyNs = 100_000;
    boolean down;
    ErrorCode refuseWith;
    int dropReplies;
    /** Drop only replies to requests of this kind (null: any). */
    Class<? extends AgentRequest> dropOnly;
    long lateReplies;

    LoopAgent(String name, ManualLoop loop, int window) {
        this.name = name;
        this.loop = loop;
        this.window = window;
    }

    static List<LoopAgent> several(int n, ManualLoop loop, int window) {
        List<LoopAgent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LoopAgent("agent-" + i, loop, window));
        }
        return out;
    }

    ResourceRegisters resource(String resource) {
        return registers.computeIfAbsent(resource, r -> new ResourceRegisters(r, window));
    }

    long count(Class<? extends AgentRequest> kind) {
        return received.stream().filter(kind::isInstance).count();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void send(AgentRequest request, long timeoutNs, AgentCallback callback) {
        boolean[] done = {false};
        EventLoop.Scheduled timer = loop.schedule(timeoutNs, () -> {
            if (!done[0]) {
                done[0] = true;
                callback.done(new AgentReply.Unavailable(name + ": no answer within " + timeoutNs + " ns"));
            }
        });
        if (down) {
            return;
        }
        loop.schedule(latencyNs / 2, () -> {
            if (down) {
                return;
            }
            received.add(request);
            AgentReply reply = refuseWith != null ? new AgentReply.Error(refuseWith, name + " refuses") : apply(request);
            boolean drop = dropReplies > 0 && (dropOnly == null || dropOnly.isInstance(request));
            if (drop) {
                dropReplies--;
            }
            loop.schedule(latencyNs - latencyNs / 2, () -> {
                if (drop || down) {
                    return;
                }
                if (done[0]) {
                    lateReplies++;
                    return;
                }
                done[0] = true;
                timer.cancel();
                callback.done(reply);
            });
        });
    }

    private AgentReply apply(AgentRequest request) {
        if (request instanceof AgentRequest.RrRead r) {
            return resource(r.resource()).read(r.instance(), r.rank()).reply();
        } else if (request instanceof AgentRequest.RrReadFrom r) {
            return resource(r.resource()).readFrom(r.fromInstance(), r.rank()).reply();
        } else if (request instanceof AgentRequest.RrWrite w) {
            return resource(w.resource()).write(w.instance(), w.rank(), w.value()).reply();
        }
        return new AgentReply.Error(ErrorCode.UNKNOWN_TYPE, name + ": not a register request: " + request);
    }

    @Override
    public void close() {
        down = true;
    }
}
