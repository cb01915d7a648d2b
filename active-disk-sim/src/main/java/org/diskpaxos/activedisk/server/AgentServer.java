package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.AgentCore;
import org.diskpaxos.activedisk.core.CoreOutput;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.activedisk.wire.Decoded;
import org.diskpaxos.activedisk.wire.Frame;
import org.diskpaxos.activedisk.wire.FrameVerdict;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.activedisk.wire.MessageType;
import org.diskpaxos.activedisk.wire.SessionKeys;

/**
 * The active-disk agent's network server: one selector thread that accepts, reads, authenticates and decodes
 * frames and runs the {@link AgentCore}; one {@link SyncWorker} thread that writes and syncs the core's batches.
 *
 * <p>A frame is checked in this order before anything else happens: length prefix (against the frame limit,
 * before the body is read), header and CRC, MAC, sequence number. Any failure closes the connection and is
 * counted; only then is the payload decoded, and a malformed or unknown request gets an {@code ERROR} reply.
 * Nothing unauthenticated reaches the core, so nothing unauthenticated can change the device.
 *
 * <p>Flow control: a connection is not read from while it has {@link ServerLimits#inFlightPerConnectionMax()}
 * requests in the core, or {@link ServerLimits#outputBytesPerConnectionMax()} bytes of unread replies, or while
 * all connections together have {@link ServerLimits#inFlightTotalMax()} in the core; TCP then pushes back on the
 * client. Frames already received wait in the connection's one-frame buffer.
 *
 * <p>If the device fails, the core answers {@code STORAGE_FAILED}; the server sends those answers, stops, and
 * {@link #awaitStop} returns the failure, so the process can exit and be restarted (it reloads from the device).
 */
public final class AgentServer implements AutoCloseable {
    static final long SELECT_TIMEOUT_MS = 100;

    private final AgentCore core;
    private final Superblock superblock;
    private final ServerLimits limits;
    private final AgentKey key;
    private final Consumer<String> log;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final InetSocketAddress address;
    private final SyncWorker syncWorker;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, ServerConnection> connections = new HashMap<>();
    private final ConcurrentLinkedQueue<SyncWorker.Done> completions = new ConcurrentLinkedQueue<>();
    private final ServerCounters counters = new ServerCounters();
    private final List<CoreOutput> outputs = new ArrayList<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String failure;
    private long nextConnectionId = 1;
    private int totalInFlight;

    private AgentServer(AgentCore core, Superblock superblock, AgentStorage storage, ServerLimits limits,
            AgentKey key, InetSocketAddress listen, Consumer<String> log) throws IOException {
        this.core = core;
        this.superblock = superblock;
        this.limits = limits;
        this.key = key;
        this.log = log;
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(listen, 128);
        } catch (BindException e) {
            listener.close();
            selector.close();
            throw new IOException("cannot listen on " + listen.getHostString() + ":" + listen.getPort() + ": "
                    + e.getMessage() + "; is another agent running there? choose another --listen", e);
        }
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        this.address = (InetSocketAddress) listener.getLocalAddress();
        core.setExtraCounters(counters::list);
        this.syncWorker = new SyncWorker(storage, superblock.geometry().sectorSizeBytes(), d -> {
            completions.add(d);
            selector.wakeup();
        }, "agent-sync-" + address.getPort());
        this.thread = new Thread(this::run, "agent-net-" + address.getPort());
    }

    /** Binds {@code listen} and starts serving {@code device}'s core. */
    public static AgentServer start(AgentDevice device, AgentKey key, InetSocketAddress listen, ServerLimits limits,
            Consumer<String> log) throws IOException {
        AgentServer s = new AgentServer(device.core(), device.superblock(), device.storage(), limits, key, listen,
                log);
        s.thread.start();
        return s;
    }

    /** Where the agent listens (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** Waits until the server stops; returns why it stopped on its own (device failure), or null. */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return failure;
    }

    public boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    /** Stops accepting and reading, lets the batch in progress finish, closes every connection. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            if (Thread.currentThread() != thread) {
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        try {
            while (running) {
                selector.select(SELECT_TIMEOUT_MS);
                drainCompletions();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    handleKey(k);
                }
                expireHandshakes();
                if (failure != null) {
                    flushAllThenStop();
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = "agent server loop failed: " + e;
            log.accept(failure);
        } finally {
            shutdown();
        }
    }

    private void handleKey(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isAcceptable()) {
            accept();
            return;
        }
        ServerConnection c = (ServerConnection) k.attachment();
        try {
            if (k.isReadable()) {
                read(c);
            }
            if (k.isValid() && k.isWritable()) {
                write(c);
            }
        } catch (IOException e) {
            close(c, "I/O error: " + e.getMessage());
        }
    }

    private void accept() {
        SocketChannel ch;
        try {
            ch = listener.accept();
        } catch (IOException e) {
            log.accept("accept failed: " + e.getMessage());
            return;
        }
        if (ch == null) {
            return;
        }
        if (connections.size() >= limits.connectionsMax()) {
            counters.connectionsRefused++;
            closeQuietly(ch);
            return;
        }
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] nonce = new byte[SessionKeys.NONCE_BYTES];
            random.nextBytes(nonce);
            ServerConnection c = new ServerConnection(nextConnectionId++, ch, String.valueOf(ch.getRemoteAddress()),
                    limits.frameBytesMax(), new SessionKeys(key.bytes()), nonce,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.handshakeTimeoutMs()));
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            connections.put(c.id, c);
            counters.connectionsAccepted++;
            counters.connectionsOpen = connections.size();
            byte[] hello = Frame.build(MessageType.SERVER_HELLO, 0, 0, MessageCodec.encode(new MessageCodec.ServerHello(
                    nonce, superblock.agentIdHigh(), superblock.agentIdLow(), limits.frameBytesMax(),
                    limits.inFlightPerConnectionMax(), superblock.name())));
            c.keys.sealServerHello(hello);
            enqueue(c, hello);
        } catch (IOException e) {
            closeQuietly(ch);
        }
    }

    private void read(ServerConnection c) throws IOException {
        if (c.closing || !canProcess(c)) {
            updateInterest(c);
            return;
        }
        int n = c.channel.read(c.in.buffer());
        if (n < 0) {
            close(c, "closed by the client");
            return;
        }
        counters.bytesIn += n;
        process(c);
    }

    private boolean canProcess(ServerConnection c) {
        return c.inFlight < limits.inFlightPerConnectionMax() && totalInFlight < limits.inFlightTotalMax()
                && c.outBytes < limits.outputBytesPerConnectionMax();
    }

    /** Handles the frames already received, as far as the limits allow. */
    private void process(ServerConnection c) {
        while (!c.closing && canProcess(c)) {
            byte[] frame = c.in.next();
            if (frame == null) {
                break;
            }
            counters.framesIn++;
            handleFrame(c, frame);
        }
        if (!c.closing && c.in.broken() != null) {
            reject(c, c.in.broken());
        }
        if (!canProcess(c)) {
            counters.readPauses++;
        }
        updateInterest(c);
    }

    private void handleFrame(ServerConnection c, byte[] frame) {
        FrameVerdict v = Frame.checkHeader(frame);
        if (v != FrameVerdict.OK) {
            reject(c, v);
            return;
        }
        int type = Frame.type(frame);
        if (!c.authenticated) {
            handshake(c, frame, type);
            return;
        }
        if (!c.keys.verify(frame, true)) {
            reject(c, FrameVerdict.BAD_MAC);
            return;
        }
        if (Frame.sequence(frame) != c.expectSequence) {
            reject(c, FrameVerdict.BAD_SEQUENCE);
            return;
        }
        c.expectSequence++;
        long requestId = Frame.requestId(frame);
        if (type == MessageType.CLIENT_HELLO || type == MessageType.SERVER_HELLO) {
            reject(c, FrameVerdict.UNEXPECTED_TYPE);
            return;
        }
        Decoded<org.diskpaxos.activedisk.AgentRequest> decoded = MessageCodec.decodeRequest(type,
                Frame.payload(frame));
        if (!decoded.ok()) {
            boolean unknown = decoded.problem() == Decoded.Problem.UNKNOWN_TYPE;
            if (unknown) {
                counters.requestsUnknownType++;
            } else {
                counters.requestsMalformed++;
            }
            send(c, requestId, new AgentReply.Error(unknown ? ErrorCode.UNKNOWN_TYPE : ErrorCode.BAD_REQUEST,
                    "agent " + superblock.name() + ": " + decoded.reason()));
            return;
        }
        c.inFlight++;
        totalInFlight++;
        outputs.clear();
        core.request(c.id, requestId, decoded.value(), outputs);
        dispatch();
    }

    private void handshake(ServerConnection c, byte[] frame, int type) {
        if (type != MessageType.CLIENT_HELLO) {
            reject(c, FrameVerdict.UNEXPECTED_TYPE);
            return;
        }
        if (!c.keys.verifyClientHello(frame, c.agentNonce)) {
            reject(c, FrameVerdict.BAD_MAC);
            return;
        }
        if (Frame.sequence(frame) != 0) {
            reject(c, FrameVerdict.BAD_SEQUENCE);
            return;
        }
        Decoded<MessageCodec.ClientHello> hello = MessageCodec.decodeClientHello(Frame.payload(frame));
        if (!hello.ok()) {
            counters.requestsMalformed++;
            close(c, "malformed hello: " + hello.reason());
            return;
        }
        c.keys.startSession(c.agentNonce, hello.value().nonce());
        c.authenticated = true;
        c.clientName = hello.value().clientName();
        counters.handshakes++;
    }

    private void reject(ServerConnection c, FrameVerdict v) {
        counters.reject(v);
        close(c, "rejected frame: " + v);
    }

    private void dispatch() {
        for (CoreOutput o : outputs) {
            if (o instanceof CoreOutput.Flush f) {
                syncWorker.submit(f);
            } else if (o instanceof CoreOutput.Reply r) {
                totalInFlight--;
                ServerConnection c = connections.get(r.client());
                if (c == null) {
                    counters.repliesDropped++;
                    continue;
                }
                c.inFlight--;
                send(c, r.requestId(), r.reply());
                if (r.reply() instanceof AgentReply.Error e && e.code() == ErrorCode.STORAGE_FAILED
                        && failure == null) {
                    failure = e.message();
                }
            }
        }
        outputs.clear();
    }

    private void drainCompletions() {
        boolean any = false;
        for (SyncWorker.Done d; (d = completions.poll()) != null; ) {
            any = true;
            outputs.clear();
            core.batchDone(d.batchId(), d.ok(), d.problem(), outputs);
            if (!d.ok() && failure == null) {
                failure = "agent " + superblock.name() + ": the device failed: " + d.problem();
                log.accept(failure + "; stopping so that no reply claims durability it does not have");
            }
            dispatch();
        }
        if (any) {
            for (ServerConnection c : List.copyOf(connections.values())) {
                if (!c.closing && c.in.buffered() > 0) {
                    process(c);
                } else {
                    updateInterest(c);
                }
            }
        }
    }

    private void send(ServerConnection c, long requestId, AgentReply reply) {
        byte[] frame = Frame.build(MessageCodec.typeOf(reply), requestId, c.sendSequence++,
                MessageCodec.encodeReply(reply));
        c.keys.seal(frame, false);
        enqueue(c, frame);
    }

    private void enqueue(ServerConnection c, byte[] frame) {
        c.out.addLast(ByteBuffer.wrap(frame));
        c.outBytes += frame.length;
        counters.framesOut++;
        try {
            flushOut(c);
            updateInterest(c);
        } catch (IOException e) {
            close(c, "I/O error: " + e.getMessage());
        }
    }

    /** On OP_WRITE: sends what is queued, then handles frames that were waiting for output room. */
    private void write(ServerConnection c) throws IOException {
        flushOut(c);
        if (c.closing) {
            return;
        }
        if (c.in.buffered() > 0 && canProcess(c)) {
            process(c);
        } else {
            updateInterest(c);
        }
    }

    /** Writes queued replies until the socket would block; never handles input (no recursion through send). */
    private void flushOut(ServerConnection c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer b = c.out.peekFirst();
            int n = c.channel.write(b);
            counters.bytesOut += n;
            c.outBytes -= n;
            if (b.hasRemaining()) {
                break;
            }
            c.out.pollFirst();
        }
        if (c.closing && c.out.isEmpty()) {
            closeNow(c);
        }
    }

    private void updateInterest(ServerConnection c) {
        if (c.key == null || !c.key.isValid()) {
            return;
        }
        int ops = 0;
        if (!c.closing && canProcess(c)) {
            ops |= SelectionKey.OP_READ;
        }
        if (!c.out.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        c.key.interestOps(ops);
    }

    private void expireHandshakes() {
        long now = System.nanoTime();
        for (ServerConnection c : List.copyOf(connections.values())) {
            if (!c.authenticated && !c.closing && now - c.handshakeDeadlineNs > 0) {
                counters.handshakeTimeouts++;
                close(c, "no authenticated hello within " + limits.handshakeTimeoutMs() + " ms");
            }
        }
    }

    /** Stops reading from {@code c} and closes it once its queued replies are out (at once if none). */
    private void close(ServerConnection c, String why) {
        if (c.closing) {
            return;
        }
        c.closing = true;
        if (c.out.isEmpty() || !c.authenticated) {
            closeNow(c);
        } else {
            updateInterest(c);
        }
    }

    private void closeNow(ServerConnection c) {
        c.closing = true;
        connections.remove(c.id);
        counters.connectionsOpen = connections.size();
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
    }

    private void flushAllThenStop() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ServerConnection c : List.copyOf(connections.values())) {
            close(c, "agent stopping");
        }
        while (!connections.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                selector.select(50);
            } catch (IOException e) {
                break;
            }
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (k.isValid() && k.attachment() instanceof ServerConnection c) {
                    try {
                        flushOut(c);
                    } catch (IOException e) {
                        closeNow(c);
                    }
                }
            }
        }
        running = false;
    }

    private void shutdown() {
        running = false;
        for (ServerConnection c : List.copyOf(connections.values())) {
            closeNow(c);
        }
        closeQuietly(listener);
        syncWorker.stop(10_000);
        drainCompletionsAfterStop();
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        stopped.countDown();
    }

    private void drainCompletionsAfterStop() {
        for (SyncWorker.Done d; (d = completions.poll()) != null; ) {
            outputs.clear();
            core.batchDone(d.batchId(), d.ok(), d.problem(), outputs);
            outputs.clear();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** For tests: the network counters as a stat reply lists them. */
    List<AgentReply.Counter> networkCounters() {
        return counters.list();
    }
}
