package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.wire.Decoded;
import org.diskpaxos.activedisk.wire.Frame;
import org.diskpaxos.activedisk.wire.FrameVerdict;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.activedisk.wire.MessageType;
import org.diskpaxos.activedisk.wire.SessionKeys;

/** A hand-driven protocol client over a blocking socket, for sending the agent anything at all. */
final class RawSession implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    final byte[] agentNonce;
    final SessionKeys keys;
    long sequence = 1;
    long replySequence = 1;

    private RawSession(Socket socket, byte[] key) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.keys = new SessionKeys(key);
        byte[] hello = readFrame();
        if (hello == null || Frame.checkHeader(hello) != FrameVerdict.OK || !keys.verifyServerHello(hello)) {
            throw new IOException("no valid server hello");
        }
        this.agentNonce = MessageCodec.decodeServerHello(Frame.payload(hello)).value().nonce();
    }

    /** Connects and reads the agent's hello; no hello of ours yet. */
    static RawSession open(InetSocketAddress address, byte[] key) throws IOException {
        Socket s = new Socket();
        s.connect(address, 2000);
        s.setSoTimeout(3000);
        s.setTcpNoDelay(true);
        return new RawSession(s, key);
    }

    /** Connects and completes the handshake. */
    static RawSession authenticated(InetSocketAddress address, byte[] key, Random random) throws IOException {
        RawSession r = open(address, key);
        byte[] nonce = new byte[SessionKeys.NONCE_BYTES];
        random.nextBytes(nonce);
        r.send(r.clientHello(nonce));
        r.keys.startSession(r.agentNonce, nonce);
        return r;
    }

    byte[] clientHello(byte[] nonce) {
        byte[] f = Frame.build(MessageType.CLIENT_HELLO, 0, 0, MessageCodec.encode(new MessageCodec.ClientHello(nonce,
                "raw")));
        keys.sealClientHello(f, agentNonce);
        return f;
    }

    /** A sealed frame with the next sequence number (not sent). */
    byte[] frame(int type, long requestId, byte[] payload) {
        byte[] f = Frame.build(type, requestId, sequence++, payload);
        keys.seal(f, true);
        return f;
    }

    byte[] request(long requestId, AgentRequest r) {
        return frame(MessageCodec.typeOf(r), requestId, MessageCodec.encodeRequest(r));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next whole frame; null on end of stream. */
    byte[] readFrame() throws IOException {
        byte[] len = in.readNBytes(4);
        if (len.length < 4) {
            return null;
        }
        int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (n < Frame.FRAME_BYTES_MIN || n > Frame.FRAME_BYTES_MAX) {
            throw new IOException("agent sent a frame length of " + n);
        }
        byte[] rest = in.readNBytes(n - 4);
        if (rest.length < n - 4) {
            return null;
        }
        byte[] f = new byte[n];
        System.arraycopy(len, 0, f, 0, 4);
        System.arraycopy(rest, 0, f, 4, rest.length);
        return f;
    }

    /** Reads, authenticates and decodes the next reply; checks its sequence and request id. */
    AgentReply reply(long requestId) throws IOException {
        byte[] f = readFrame();
        if (f == null) {
            throw new IOException("connection closed instead of a reply to " + requestId);
        }
        if (Frame.checkHeader(f) != FrameVerdict.OK || !keys.verify(f, false) || Frame.sequence(f) != replySequence++
                || Frame.requestId(f) != requestId) {
            throw new IOException("bad reply frame for " + requestId);
        }
        Decoded<AgentReply> d = MessageCodec.decodeReply(Frame.type(f), Frame.payload(f));
        if (!d.ok()) {
            throw new IOException("undecodable reply: " + d.reason());
        }
        return d.value();
    }

    /** Whether the agent closes the connection within the socket timeout (reading and dropping anything sent). */
    boolean closedByAgent() throws IOException {
        try {
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
