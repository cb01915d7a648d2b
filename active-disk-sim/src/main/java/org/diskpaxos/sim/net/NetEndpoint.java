package org.diskpaxos.sim.net;

import java.util.Objects;
import org.diskpaxos.blockdev.async.EventLoop;

/**
 * One node's attachment to the {@link SimNetwork}: it sends from its address and, once bound, receives on an
 * event loop. A restarted host binds again with its new loop; messages that arrive while nothing live is bound
 * are dropped.
 */
public final class NetEndpoint {
    private final SimNetwork network;
    private final int address;
    private EventLoop loop;
    private MessageHandler handler;

    NetEndpoint(SimNetwork network, int address) {
        this.network = network;
        this.address = address;
    }

    public int address() {
        return address;
    }

    /** Delivers later messages to {@code handler} on {@code loop}, replacing any earlier binding. */
    public void bind(EventLoop newLoop, MessageHandler newHandler) {
        this.loop = Objects.requireNonNull(newLoop);
        this.handler = Objects.requireNonNull(newHandler);
    }

    public void unbind() {
        loop = null;
        handler = null;
    }

    /** Sends a copy of {@code payload} to {@code targetAddress}; never blocks, never reports loss. */
    public void send(int targetAddress, byte[] payload) {
        network.send(address, targetAddress, payload);
    }

    EventLoop loop() {
        return loop;
    }

    MessageHandler handler() {
        return handler;
    }
}
