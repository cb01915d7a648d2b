package org.diskpaxos.sim.net;

/** Receives messages at a {@link NetEndpoint}, as tasks on the endpoint's event loop. */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(int sourceAddress, byte[] payload);
}
