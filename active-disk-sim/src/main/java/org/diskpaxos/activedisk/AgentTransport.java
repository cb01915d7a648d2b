package org.diskpaxos.activedisk;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.activedisk.wire.Decoded;
import org.diskpaxos.activedisk.wire.Frame;
import org.diskpaxos.activedisk.wire.FrameAssembler;
import org.diskpaxos.activedisk.wire.FrameVerdict;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.activedisk.wire.MessageType;
import org.diskpaxos.activedisk.wire.SessionKeys;
import org.diskpaxos.blockdev.async.EventLoop;

/**
 * The network side of any number of {@link AgentClient}s: one selector thread that connects, authenticates,
 * reconnects with exponential backoff, writes requests and reads, checks and decodes replies. Replies are handed
 * to each client's event loop. Start one per process (or per group of registers) and close it last.
 *
 * <p>Per connection: connect (bounded by the client's connect timeout) → the agent's hello (its MAC proves the
 * agent holds the key; an unexpected agent id is refused) → our hello → session. Any bad frame from the agent
 * (header, CRC, MAC, sequence, undecodable payload) closes the connection and is counted; a reconnect follows.
 */
public final class AgentTransport implements AutoCloseable {
    static final long SELECT_MAX_MS = 50;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<AgentClient, Channel> channels = new IdentityHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong rejectedFrames = new AtomicLong();
    private final ConcurrentLinkedQueue<AgentClient> toPump = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean wakeRequested = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean running = true;

    private enum State { WAITING, CONNECTING, HELLO, READY }

    /** One client's connection state; owned by the transport thread. */
    private final class Channel {
        final AgentClient client;
        final SessionKeys keys;
        State state = State.WAITING;
        SocketChannel socket;
        SelectionKey key;
        FrameAssembler in;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        final LinkedHashSet<Long> sent = new LinkedHashSet<>();
        long sendSequence;
        long expectSequence;
        long retryAtNs;
        long deadlineNs;
        int failuresInARow;

        Channel(AgentClient client, AgentKey key) {
            this.client = client;
            this.keys = new SessionKeys(key.bytes());
        }
    }

    private AgentTransport(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts the transport thread. */
    public static AgentTransport start(String name) throws IOException {
        AgentTransport t = new AgentTransport(name);
        t.thread.start();
        return t;
    }

    /** A client of the agent at {@code address}; it connects in the background, replies arrive on {@code loop}. */
    public AgentClient connect(InetSocketAddress address, AgentKey key, EventLoop loop, AgentClientOptions options) {
        AgentClient client = new AgentClient(this, address, loop, options);
        submit(() -> {
            Channel c = new Channel(client, key);
            channels.put(client, c);
            c.retryAtNs = System.nanoTime();
        });
        return client;
    }

    /** Frames from agents that failed a check (all clients). */
    public long rejectedFrames() {
        return rejectedFrames.get();
    }

    /** The client queued a request: pump it on the transport thread (one queue entry and one wake-up at most). */
    void wake(AgentClient client) {
        if (client.pumpScheduled.compareAndSet(false, true)) {
            toPump.add(client);
            if (wakeRequested.compareAndSet(false, true)) {
                selector.wakeup();
            }
        }
    }

    void closeClient(AgentClient client) {
        submit(() -> {
            Channel c = channels.remove(client);
            if (c != null) {
                disconnect(c, "closed", false);
            }
        });
    }

    private void submit(Runnable task) {
        tasks.add(task);
        wakeRequested.set(true);
        selector.wakeup();
    }

    /** Closes every connection and stops the thread; clients still open get no more replies. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        try {
            while (running) {
                if (!wakeRequested.get()) {
                    selector.select(SELECT_MAX_MS);
                } else {
                    selector.selectNow();
                }
                wakeRequested.set(false);
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                for (AgentClient client; (client = toPump.poll()) != null; ) {
                    client.pumpScheduled.set(false);
                    Channel c = channels.get(client);
                    if (c != null && c.state == State.READY) {
                        pump(c);
                    }
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Channel c = (Channel) k.attachment();
                    if (k.isValid()) {
                        handle(c, k);
                    }
                }
                timers();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(thread.getName() + ": agent transport stopped: " + e);
        } finally {
            for (Channel c : List.copyOf(channels.values())) {
                disconnect(c, "transport closed", false);
            }
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void timers() {
        long now = System.nanoTime();
        for (Channel c : List.copyOf(channels.values())) {
            if (c.state == State.WAITING && now - c.retryAtNs >= 0) {
                open(c);
            } else if ((c.state == State.CONNECTING || c.state == State.HELLO) && now - c.deadlineNs > 0) {
                disconnect(c, "no session within " + c.client.options().connectTimeoutMs() + " ms", true);
            }
        }
    }

    private void open(Channel c) {
        try {
            c.socket = SocketChannel.open();
            c.socket.configureBlocking(false);
            c.socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.in = new FrameAssembler(Frame.FRAME_BYTES_MAX);
            c.out.clear();
            c.sent.clear();
            c.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(c.client.options().connectTimeoutMs());
            boolean now = c.socket.connect(c.client.address());
            c.state = State.CONNECTING;
            c.key = c.socket.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            if (now) {
                c.state = State.HELLO;
            }
        } catch (IOException e) {
            disconnect(c, "cannot connect: " + e.getMessage(), true);
        }
    }

    private void handle(Channel c, SelectionKey k) {
        try {
            if (k.isConnectable()) {
                c.socket.finishConnect();
                c.state = State.HELLO;
                k.interestOps(SelectionKey.OP_READ);
                return;
            }
            if (k.isReadable()) {
                int n = c.socket.read(c.in.buffer());
                if (n < 0) {
                    disconnect(c, "the agent closed the connection", true);
                    return;
                }
                for (byte[] f; c.state != State.WAITING && (f = c.in.next()) != null; ) {
                    frame(c, f);
                }
                if (c.state != State.WAITING && c.in.broken() != null) {
                    reject(c, c.in.broken());
                }
            }
            if (c.state != State.WAITING && k.isValid() && k.isWritable()) {
                flush(c);
            }
        } catch (IOException e) {
            disconnect(c, "I/O error: " + e.getMessage(), true);
        }
    }

    private void frame(Channel c, byte[] f) throws IOException {
        FrameVerdict v = Frame.checkHeader(f);
        if (v != FrameVerdict.OK) {
            reject(c, v);
            return;
        }
        int type = Frame.type(f);
        if (c.state == State.HELLO) {
            hello(c, f, type);
            return;
        }
        if (!c.keys.verify(f, false)) {
            reject(c, FrameVerdict.BAD_MAC);
            return;
        }
        if (Frame.sequence(f) != c.expectSequence) {
            reject(c, FrameVerdict.BAD_SEQUENCE);
            return;
        }
        c.expectSequence++;
        Decoded<AgentReply> reply = MessageCodec.decodeReply(type, Frame.payload(f));
        if (!reply.ok()) {
            rejectedFrames.incrementAndGet();
            disconnect(c, "undecodable reply from the agent: " + reply.reason(), true);
            return;
        }
        long id = Frame.requestId(f);
        c.sent.remove(id);
        c.client.replied(id, reply.value());
    }

    private void hello(Channel c, byte[] f, int type) throws IOException {
        if (type != MessageType.SERVER_HELLO || Frame.sequence(f) != 0) {
            reject(c, FrameVerdict.UNEXPECTED_TYPE);
            return;
        }
        if (!c.keys.verifyServerHello(f)) {
            rejectedFrames.incrementAndGet();
            disconnect(c, "the agent's hello does not verify with " + "our key: the agent uses another key file", true);
            return;
        }
        Decoded<MessageCodec.ServerHello> h = MessageCodec.decodeServerHello(Frame.payload(f));
        if (!h.ok()) {
            rejectedFrames.incrementAndGet();
            disconnect(c, "malformed hello from the agent: " + h.reason(), true);
            return;
        }
        String id = String.format("%016x%016x", h.value().agentIdHigh(), h.value().agentIdLow());
        String expected = c.client.options().expectedAgentId();
        if (expected != null && !expected.equals(id)) {
            disconnect(c, "the agent at this address is '" + h.value().agentName() + "' with id " + id
                    + ", not the expected " + expected + " (re-initialised or replaced: its registers are not the "
                    + "ones this client relies on)", true);
            return;
        }
        byte[] nonce = new byte[SessionKeys.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] reply = Frame.build(MessageType.CLIENT_HELLO, 0, 0, MessageCodec.encode(
                new MessageCodec.ClientHello(nonce, c.client.options().clientName())));
        c.keys.sealClientHello(reply, h.value().nonce());
        c.keys.startSession(h.value().nonce(), nonce);
        c.sendSequence = 1;
        c.expectSequence = 1;
        c.state = State.READY;
        c.failuresInARow = 0;
        c.out.add(ByteBuffer.wrap(reply));
        c.client.sessionStarted(id, h.value().agentName());
        pump(c);
    }

    /** Moves the client's queued requests onto the wire. */
    private void pump(Channel c) {
        for (AgentClient.Outgoing o; (o = c.client.outgoing.poll()) != null; ) {
            if (o.cancelled().get()) {
                continue;
            }
            byte[] f = Frame.build(MessageCodec.typeOf(o.request()), o.requestId(), c.sendSequence++,
                    MessageCodec.encodeRequest(o.request()));
            c.keys.seal(f, true);
            c.out.add(ByteBuffer.wrap(f));
            c.sent.add(o.requestId());
        }
        try {
            flush(c);
        } catch (IOException e) {
            disconnect(c, "I/O error: " + e.getMessage(), true);
        }
    }

    private void flush(Channel c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer b = c.out.peekFirst();
            c.socket.write(b);
            if (b.hasRemaining()) {
                break;
            }
            c.out.pollFirst();
        }
        if (c.key != null && c.key.isValid()) {
            c.key.interestOps(SelectionKey.OP_READ | (c.out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        }
    }

    private void reject(Channel c, FrameVerdict v) {
        rejectedFrames.incrementAndGet();
        disconnect(c, "bad frame from the agent (" + v + ")", true);
    }

    private void disconnect(Channel c, String reason, boolean retry) {
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        if (c.socket != null) {
            try {
                c.socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            c.socket = null;
        }
        List<Long> lost = new ArrayList<>(c.sent);
        c.sent.clear();
        c.out.clear();
        c.state = State.WAITING;
        c.client.sessionLost(lost, reason);
        if (retry && running && channels.containsKey(c.client)) {
            c.failuresInARow = Math.min(c.failuresInARow + 1, 30);
            AgentClientOptions o = c.client.options();
            long delayMs = Math.min(o.reconnectMaxMs(), o.reconnectMinMs() << Math.min(c.failuresInARow - 1, 20));
            delayMs = delayMs / 2 + ThreadLocalRandom.current().nextLong(delayMs / 2 + 1);
            c.retryAtNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        }
    }
}
