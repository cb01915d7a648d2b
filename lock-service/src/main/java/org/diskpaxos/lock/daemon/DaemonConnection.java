package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client's connection to the local lock daemon: requests with ids, replies matched by id, and pushed events
 * (such as {@code LEASE_LOST}) delivered to a listener. One reader thread; any thread may send. The connection is
 * the client's registration: leases acquired through it are released when it closes.
 */
public final class DaemonConnection implements AutoCloseable {

    private final SocketChannel channel;
    private final Map<Long, CompletableFuture<Frame>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final Thread reader;
    private final Consumer<Frame> events;
    private volatile boolean closed;
    private volatile String failure;

    private DaemonConnection(SocketChannel channel, Consumer<Frame> events) {
        this.channel = channel;
        this.events = events;
        this.reader = new Thread(this::readLoop, "dplock-client-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Connects and says hello. {@code events} receives pushed frames on the reader thread.
     *
     * @throws IOException no daemon listens on {@code socket}, or it refused us (the message says why)
     */
    public static DaemonConnection open(Path socket, String clientName, Consumer<Frame> events) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("no dplock daemon at " + socket + " (" + e.getMessage() + "); start one with: "
                    + "dplock daemon --config FILE", e);
        }
        DaemonConnection c = new DaemonConnection(ch, events);
        c.reader.start();
        Frame hello = c.request(Frame.of(Frame.Type.HELLO, 0, "name", clientName)).join();
        if (hello.type() != Frame.Type.OK) {
            c.close();
            throw new IOException("the daemon at " + socket + " refused this client: " + hello.get("error", "?"));
        }
        return c;
    }

    /** Sends a request (its id is replaced); the future completes with the reply, or an ERROR if the link breaks. */
    public CompletableFuture<Frame> request(Frame f) {
        long id = nextId.getAndIncrement();
        CompletableFuture<Frame> reply = new CompletableFuture<>();
        if (closed || failure != null) {
            reply.complete(Frame.of(Frame.Type.ERROR, id, "error", failure != null ? failure : "connection closed"));
            return reply;
        }
        waiting.put(id, reply);
        ByteBuffer b = new Frame(f.type(), id, f.fields()).encode();
        try {
            synchronized (channel) {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
        } catch (IOException e) {
            fail("write to the daemon failed: " + e.getMessage());
        }
        return reply;
    }

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocate(Frame.LENGTH_MAX);
        try {
            while (!closed) {
                if (channel.read(in) < 0) {
                    fail("the daemon closed the connection");
                    return;
                }
                in.flip();
                Frame f;
                while ((f = Frame.decode(in)) != null) {
                    if (f.type() == Frame.Type.EVENT || f.requestId() == 0) {
                        if (f.type() == Frame.Type.ERROR) {
                            fail("the daemon: " + f.get("error", "error"));
                        } else if (events != null) {
                            events.accept(f);
                        }
                        continue;
                    }
                    CompletableFuture<Frame> w = waiting.remove(f.requestId());
                    if (w != null) {
                        w.complete(f);
                    }
                }
                in.compact();
            }
        } catch (IOException | Frame.ProtocolException e) {
            fail(closed ? "connection closed" : "connection to the daemon failed: " + e.getMessage());
        }
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        for (Map.Entry<Long, CompletableFuture<Frame>> e : waiting.entrySet()) {
            e.getValue().complete(Frame.of(Frame.Type.ERROR, e.getKey(), "error", why));
        }
        waiting.clear();
        if (events != null && !closed) {
            events.accept(Frame.of(Frame.Type.EVENT, 0, "event", "DISCONNECTED", "reason", why));
        }
    }

    /** Why the connection broke, or null while it works. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
