package org.diskpaxos.activedisk.server;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import org.diskpaxos.activedisk.wire.FrameAssembler;
import org.diskpaxos.activedisk.wire.SessionKeys;

/** One client connection's state at the agent; touched by the server thread only. */
final class ServerConnection {
    final long id;
    final SocketChannel channel;
    final String peer;
    SelectionKey key;
    final FrameAssembler in;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    int outBytes;
    final SessionKeys keys;
    final byte[] agentNonce;
    boolean authenticated;
    String clientName = "";
    long expectSequence = 1;
    long sendSequence = 1;
    int inFlight;
    final long handshakeDeadlineNs;
    boolean closing;

    ServerConnection(long id, SocketChannel channel, String peer, int frameBytesMax, SessionKeys keys,
            byte[] agentNonce, long handshakeDeadlineNs) {
        this.id = id;
        this.channel = channel;
        this.peer = peer;
        this.in = new FrameAssembler(frameBytesMax);
        this.keys = keys;
        this.agentNonce = agentNonce;
        this.handshakeDeadlineNs = handshakeDeadlineNs;
    }

    @Override
    public String toString() {
        return "connection " + id + " from " + peer + (clientName.isEmpty() ? "" : " (" + clientName + ")");
    }
}
