package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.nativeio.PeerCredentials;
import org.diskpaxos.nativeio.SystemdNotify;

/**
 * The lock daemon of one host: joins its lockspaces, serves local clients on a Unix socket, and fences.
 *
 * <h2>Clients</h2>
 * Each connection is one client, identified by its peer credentials (pid, uid; uids outside the allowed set are
 * refused at once). Leases acquired over a connection belong to it: when the connection closes, for whatever
 * reason, they are released. Each lease has a victim process (the client's pid, or one it names) to stop if the
 * lease is lost.
 *
 * <h2>Fencing: stopping holders before anyone may judge this host dead</h2>
 * When a lockspace's membership lapses ({@code validFor} after its last renewal, see
 * {@link org.diskpaxos.lock.core.LeaseTimeouts}), every lease in it is LOST: the daemon pushes an event to the
 * client, sends SIGTERM to the victim and its descendants, and SIGKILL after {@code killGrace} — all from threads
 * apart from the lockspace's event loop, so a stuck renewal cannot delay them. Independently, the daemon publishes
 * each lockspace's deadline in a {@link ValidityFile}; a {@code dplock run} wrapper stops its child on that
 * deadline by itself, even if the daemon is paused.
 *
 * <h2>Limits</h2>
 * {@link #CONNECTIONS_MAX} connections, {@link Frame#LENGTH_MAX} bytes a frame, {@link #PENDING_MAX} requests in
 * progress per connection and {@link #OUTBOX_MAX} unsent replies: a client over a limit gets an error and is
 * disconnected; everyone else is served.
 */
public final class LockDaemon implements AutoCloseable {

    public static final int CONNECTIONS_MAX = 1024;
    public static final int PENDING_MAX = 64;
    public static final int OUTBOX_MAX = 1024;

    private final DaemonConfig config;
    private final Map<String, EmbeddedLeaseClient> lockspaces = new ConcurrentHashMap<>();
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ValidityFile validity;
    private final ScheduledExecutorService fencer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dplock-fencer");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    /** Leases held for a process rather than a connection ({@code dplock acquire} in scripts), by resource. */
    private final Map<String, Hold> detached = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final DaemonLog log;
    private final Metrics metrics;
    private final Thread selectorThread;
    private com.sun.net.httpserver.HttpServer metricsServer;
    private volatile boolean closed;

    private LockDaemon(DaemonConfig config, ServerSocketChannel server, Selector selector, ValidityFile validity,
                       DaemonLog log) {
        this.config = config;
        this.server = server;
        this.selector = selector;
        this.validity = validity;
        this.log = log;
        this.metrics = new Metrics();
        this.selectorThread = new Thread(this::serve, "dplock-socket");
    }

    /**
     * Starts the daemon: binds the socket (refusing one a live daemon serves), joins every configured lockspace,
     * then serves. Blocks until joined; the socket accepts clients from the start.
     */
    public static LockDaemon start(DaemonConfig config, DaemonLog log) throws IOException, LeaseException,
            InterruptedException {
        Path socket = config.socket();
        Files.createDirectories(socket.toAbsolutePath().getParent());
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("socket " + socket + " is in use by a running daemon; stop it or choose another"
                        + " socket");
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains("in use by a running daemon")) {
                    throw e;
                }
                Files.delete(socket); // stale: nobody listens
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        ValidityFile validity = ValidityFile.create(ValidityFile.pathFor(socket));
        LockDaemon d = new LockDaemon(config, server, selector, validity, log);
        try {
            for (DaemonConfig.LockspaceConfig ls : config.lockspaces()) {
                d.addLockspace(ls);
            }
        } catch (LeaseException | InterruptedException | RuntimeException e) {
            d.close();
            throw e;
        }
        if (config.metrics() != null) {
            d.startMetrics(config.metrics());
        }
        d.selectorThread.start();
        d.fencer.scheduleAtFixedRate(d::publishValidity, 0, Math.max(1, config.timeouts().ioTimeoutNs() / 8),
                TimeUnit.NANOSECONDS);
        try {
            SystemdNotify.notify("READY=1\nSTATUS=serving " + config.lockspaces().size() + " lockspaces on " + socket);
        } catch (IOException e) {
            log.warn("systemd-notify", "error", e.getMessage());
        }
        log.info("started", "socket", socket.toString(), "host_id", String.valueOf(config.hostId()), "timeouts",
                config.timeouts().describe());
        return d;
    }

    public DaemonConfig config() {
        return config;
    }

    /** Serves {@code GET /metrics} (Prometheus text format 0.0.4) on {@code hostPort}, loopback by convention. */
    private void startMetrics(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        java.net.InetSocketAddress addr = new java.net.InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
        metricsServer = com.sun.net.httpserver.HttpServer.create(addr, 16);
        metricsServer.createContext("/metrics", exchange -> {
            byte[] body = metrics.render().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        metricsServer.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dplock-metrics");
            t.setDaemon(true);
            return t;
        }));
        metricsServer.start();
        log.info("metrics", "listen", hostPort);
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Joins a lockspace (blocking: about two I/O timeouts). */
    public void addLockspace(DaemonConfig.LockspaceConfig ls) throws LeaseException, InterruptedException, IOException {
        if (lockspaces.containsKey(ls.name())) {
            throw new LeaseException("lockspace '" + ls.name() + "' is already joined");
        }
        HostIdentity local = HostIdentity.local();
        HostIdentity identity = config.hostName() == null ? local
                : new HostIdentity(local.machine(), local.boot(), trimHost(config.hostName()));
        long t0 = System.nanoTime();
        EmbeddedLeaseClient client = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(ls.name(),
                config.hostId(), ls.disks(), ls.geometry(), config.timeouts(), ls.maxResources(), identity));
        lockspaces.put(ls.name(), client);
        validity.publish(ls.name(), client.validUntilNanos());
        log.info("joined", "lockspace", ls.name(), "host_id", String.valueOf(config.hostId()), "generation",
                String.valueOf(client.generation()), "join_ms", String.valueOf((System.nanoTime() - t0) / 1_000_000));
    }

    private static String trimHost(String h) {
        String s = h.replace(":", "");
        return s.length() > HostIdentity.HOST_CHARS_MAX ? s.substring(0, HostIdentity.HOST_CHARS_MAX) : s;
    }

    private void publishValidity() {
        for (Map.Entry<String, EmbeddedLeaseClient> e : lockspaces.entrySet()) {
            validity.publish(e.getKey(), e.getValue().validUntilNanos());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The socket

    /** One client connection: its credentials, buffers and the leases it holds. */
    private final class Connection {
        final long id;
        final SocketChannel channel;
        final PeerCredentials peer;
        final ByteBuffer in = ByteBuffer.allocate(Frame.LENGTH_MAX);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        final Map<String, Hold> holds = new ConcurrentHashMap<>();
        int pending;
        String name = "";
        SelectionKey key;
        boolean closing;

        Connection(long id, SocketChannel channel, PeerCredentials peer) {
            this.id = id;
            this.channel = channel;
            this.peer = peer;
        }

        String describe() {
            return "client " + id + " (pid " + peer.pid() + ", uid " + peer.uid() + (name.isEmpty() ? "" : ", " + name)
                    + ")";
        }
    }

    /**
     * A lease held for a connection (or, if {@code detached}, for the victim process itself until it exits or
     * releases it), and the process to stop if it is lost.
     */
    private record Hold(Connection owner, Lease lease, long victimPid, boolean detached) {
    }

    private void serve() {
        while (!closed) {
            try {
                selector.select(250);
                Runnable task;
                while ((task = selectorTasks.poll()) != null) {
                    task.run();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey k = keys.next();
                    keys.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        accept();
                    } else {
                        Connection c = (Connection) k.attachment();
                        if (k.isReadable()) {
                            read(c);
                        }
                        if (k.isValid() && k.isWritable()) {
                            flush(c);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("socket-loop", "error", String.valueOf(e));
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        PeerCredentials peer;
        try {
            peer = PeerCredentials.of(ch);
        } catch (IOException e) {
            log.warn("refused", "why", "no peer credentials: " + e.getMessage());
            ch.close();
            return;
        }
        if (connections.size() >= CONNECTIONS_MAX) {
            refuse(ch, "the daemon serves " + CONNECTIONS_MAX + " connections already");
            log.warn("refused", "pid", String.valueOf(peer.pid()), "why", "too many connections");
            return;
        }
        if (!uidAllowed(peer.uid())) {
            refuse(ch, "uid " + peer.uid() + " may not use this daemon (allowed_uids)");
            log.warn("refused", "pid", String.valueOf(peer.pid()), "uid", String.valueOf(peer.uid()), "why",
                    "uid not allowed");
            return;
        }
        ch.configureBlocking(false);
        Connection c = new Connection(nextConnectionId.getAndIncrement(), ch, peer);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        connections.put(c.id, c);
        metrics.connections.set(connections.size());
    }

    private boolean uidAllowed(int uid) {
        if (config.allowedUids().isEmpty()) {
            return uid == 0 || uid == currentUid();
        }
        return config.allowedUids().contains(uid);
    }

    private static int currentUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return (Integer) uid;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    private static void refuse(SocketChannel ch, String why) {
        try {
            ch.configureBlocking(true);
            ch.write(Frame.of(Frame.Type.ERROR, 0, "error", why).encode());
        } catch (IOException ignored) {
            // refusing anyway
        } finally {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private void read(Connection c) {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            drop(c, "read failed: " + e.getMessage());
            return;
        }
        if (n < 0) {
            drop(c, "disconnected");
            return;
        }
        c.in.flip();
        try {
            Frame f;
            while ((f = Frame.decode(c.in)) != null) {
                metrics.requests.incrementAndGet();
                if (c.pending >= PENDING_MAX) {
                    send(c, Frame.of(Frame.Type.ERROR, f.requestId(), "error", "more than " + PENDING_MAX
                            + " requests in progress"));
                    drop(c, "flooding");
                    return;
                }
                handle(c, f);
            }
        } catch (Frame.ProtocolException e) {
            metrics.protocolErrors.incrementAndGet();
            send(c, Frame.of(Frame.Type.ERROR, 0, "error", "protocol error: " + e.getMessage()));
            log.warn("protocol-error", "client", c.describe(), "error", e.getMessage());
            c.closing = true;
            flush(c);
            drop(c, "protocol error");
            return;
        }
        c.in.compact();
    }

    /** Queues a frame to a connection; from any thread. */
    private void reply(Connection c, Frame f) {
        selectorTasks.add(() -> send(c, f));
        selector.wakeup();
    }

    private void send(Connection c, Frame f) {
        if (!c.channel.isOpen()) {
            return;
        }
        if (c.out.size() >= OUTBOX_MAX) {
            drop(c, "not reading its replies");
            return;
        }
        c.out.add(f.encode());
        flush(c);
    }

    private void flush(Connection c) {
        try {
            while (!c.out.isEmpty()) {
                ByteBuffer b = c.out.peek();
                c.channel.write(b);
                if (b.hasRemaining()) {
                    break;
                }
                c.out.poll();
            }
            if (c.key.isValid()) {
                c.key.interestOps(c.out.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            drop(c, "write failed: " + e.getMessage());
        }
    }

    /** Closes a connection and releases everything it holds. */
    private void drop(Connection c, String why) {
        if (connections.remove(c.id) == null) {
            return;
        }
        metrics.connections.set(connections.size());
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Hold h : c.holds.values()) {
            h.lease().releaseAsync();
            metrics.leasesHeld.decrementAndGet();
            log.info("released", "resource", h.lease().resource().toString(), "fence",
                    String.valueOf(h.lease().fence()), "why", c.describe() + " " + why);
        }
        c.holds.clear();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    private void handle(Connection c, Frame f) {
        switch (f.type()) {
            case HELLO -> {
                c.name = f.get("name", "");
                send(c, Frame.of(Frame.Type.OK, f.requestId(), "version", "1", "host_id",
                        String.valueOf(config.hostId()), "validity_file",
                        ValidityFile.pathFor(config.socket()).toString()));
            }
            case ACQUIRE -> acquire(c, f);
            case RELEASE -> release(c, f);
            case INQUIRE -> inquire(c, f);
            case STATUS -> send(c, status(f.requestId()));
            case VALIDITY -> {
                EmbeddedLeaseClient ls = lockspaces.get(f.get("lockspace", ""));
                send(c, ls == null ? error(f, "unknown lockspace '" + f.get("lockspace", "") + "'")
                        : Frame.of(Frame.Type.OK, f.requestId(), "valid_until_ns", String.valueOf(ls.validUntilNanos())));
            }
            case CREATE_RESOURCE -> createResource(c, f);
            default -> send(c, error(f, "unsupported request " + f.type()));
        }
    }

    private static Frame error(Frame request, String message) {
        return Frame.of(Frame.Type.ERROR, request.requestId(), "error", message);
    }

    private void acquire(Connection c, Frame f) {
        ResourceId id;
        LeaseMode mode;
        Duration wait;
        long victim;
        try {
            id = ResourceId.parse(f.get("resource", ""));
            mode = LeaseMode.valueOf(f.get("mode", "EXCLUSIVE").toUpperCase(java.util.Locale.ROOT));
            wait = Duration.ofMillis(Long.parseLong(f.get("timeout_ms", "0")));
            victim = Long.parseLong(f.get("pid", String.valueOf(c.peer.pid())));
        } catch (IllegalArgumentException e) {
            send(c, error(f, "bad acquire request: " + e.getMessage()));
            return;
        }
        EmbeddedLeaseClient ls = lockspaces.get(id.lockspace());
        if (ls == null) {
            send(c, error(f, "unknown lockspace '" + id.lockspace() + "' (this daemon serves " + lockspaces.keySet()
                    + ")"));
            return;
        }
        boolean detach = Boolean.parseBoolean(f.get("detach", "false"));
        if (c.holds.containsKey(id.toString()) || detach && detached.containsKey(id.toString())) {
            send(c, error(f, "already held through this daemon: " + id));
            return;
        }
        c.pending++;
        long t0 = System.nanoTime();
        ls.acquireAsync(id, wait, new LeaseOptions(mode, LeaseOptions.OnLoss.NOTIFY)).whenComplete((lease, error) -> {
            selectorTasks.add(() -> {
                c.pending--;
                if (error != null) {
                    metrics.acquireFailed.incrementAndGet();
                    Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                    send(c, error(f, cause.getMessage()));
                    return;
                }
                if (lease.isEmpty()) {
                    metrics.acquireBusy.incrementAndGet();
                    send(c, Frame.of(Frame.Type.BUSY, f.requestId(), "error", id + " is held by another host"));
                    return;
                }
                Lease l = lease.get();
                if (!c.channel.isOpen()) {
                    l.releaseAsync();
                    return;
                }
                metrics.acquireLatency.record(System.nanoTime() - t0);
                metrics.leasesHeld.incrementAndGet();
                Hold hold = new Hold(c, l, victim, detach);
                if (detach) {
                    detached.put(id.toString(), hold);
                    // Held for the process: released when it exits.
                    ProcessHandle.of(victim).ifPresentOrElse(ph -> ph.onExit().thenRun(() -> releaseDetached(hold,
                            "process " + victim + " exited")), () -> releaseDetached(hold, "process " + victim
                            + " does not exist"));
                } else {
                    c.holds.put(id.toString(), hold);
                }
                l.lost().thenAccept(reason -> lost(hold, reason));
                log.info("acquired", "resource", id.toString(), "fence", String.valueOf(l.fence()), "client",
                        c.describe(), "victim", String.valueOf(victim), "ms",
                        String.valueOf((System.nanoTime() - t0) / 1_000_000));
                send(c, Frame.of(Frame.Type.OK, f.requestId(), "resource", id.toString(), "fence",
                        String.valueOf(l.fence()), "valid_until_ns", String.valueOf(l.validUntilNanos()),
                        "validity_file", ValidityFile.pathFor(config.socket()).toString()));
            });
            selector.wakeup();
        });
    }

    private void releaseDetached(Hold hold, String why) {
        if (detached.remove(hold.lease().resource().toString(), hold)) {
            metrics.leasesHeld.decrementAndGet();
            hold.lease().releaseAsync();
            log.info("released", "resource", hold.lease().resource().toString(), "fence",
                    String.valueOf(hold.lease().fence()), "why", why);
        }
    }

    private void release(Connection c, Frame f) {
        String resource = f.get("resource", "");
        Hold h = c.holds.remove(resource);
        if (h == null && f.get("pid") != null) {
            Hold d = detached.get(resource);
            if (d != null && String.valueOf(d.victimPid()).equals(f.get("pid"))) {
                h = detached.remove(resource) != null ? d : null;
            }
        }
        if (h == null) {
            send(c, error(f, "'" + resource + "' is not held by this client"
                    + (f.get("pid") != null ? " or process " + f.get("pid") : "")));
            return;
        }
        Hold released = h;
        metrics.leasesHeld.decrementAndGet();
        c.pending++;
        released.lease().releaseAsync().whenComplete((result, error) -> {
            selectorTasks.add(() -> {
                c.pending--;
                ReleaseResult r = result == null ? ReleaseResult.RELEASED_LOCALLY : result;
                log.info("released", "resource", resource, "fence", String.valueOf(released.lease().fence()), "result",
                        r.toString(), "client", c.describe());
                send(c, Frame.of(Frame.Type.OK, f.requestId(), "result", r.toString()));
            });
            selector.wakeup();
        });
    }

    private void inquire(Connection c, Frame f) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        for (Hold h : c.holds.values()) {
            fields.put("lease." + i + ".resource", h.lease().resource().toString());
            fields.put("lease." + i + ".fence", String.valueOf(h.lease().fence()));
            fields.put("lease." + i + ".state", h.lease().state().toString());
            i++;
        }
        fields.put("count", String.valueOf(i));
        send(c, new Frame(Frame.Type.OK, f.requestId(), fields));
    }

    private void createResource(Connection c, Frame f) {
        ResourceId id;
        try {
            id = ResourceId.parse(f.get("resource", ""));
        } catch (IllegalArgumentException e) {
            send(c, error(f, e.getMessage()));
            return;
        }
        EmbeddedLeaseClient ls = lockspaces.get(id.lockspace());
        if (ls == null) {
            send(c, error(f, "unknown lockspace '" + id.lockspace() + "'"));
            return;
        }
        c.pending++;
        ls.createResourceAsync(id.resource()).thenAccept(problem -> {
            selectorTasks.add(() -> {
                c.pending--;
                send(c, problem == null ? Frame.of(Frame.Type.OK, f.requestId(), "resource", id.toString())
                        : error(f, problem));
            });
            selector.wakeup();
        });
    }

    /** The daemon's state in words and numbers: lockspaces, leases, clients. */
    Frame status(long requestId) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("host_id", String.valueOf(config.hostId()));
        s.put("socket", config.socket().toString());
        s.put("timeouts", config.timeouts().describe());
        s.put("connections", String.valueOf(connections.size()));
        long now = System.nanoTime();
        int i = 0;
        for (Map.Entry<String, EmbeddedLeaseClient> e : new java.util.TreeMap<>(lockspaces).entrySet()) {
            EmbeddedLeaseClient ls = e.getValue();
            String p = "lockspace." + i + ".";
            s.put(p + "name", e.getKey());
            s.put(p + "state", ls.membership().toString());
            s.put(p + "generation", String.valueOf(ls.generation()));
            s.put(p + "valid_for_ms", String.valueOf(Math.max(0, (ls.validUntilNanos() - now) / 1_000_000)));
            if (ls.lostReason() != null) {
                s.put(p + "lost_reason", ls.lostReason());
            }
            i++;
        }
        s.put("lockspaces", String.valueOf(i));
        int j = 0;
        for (Connection c : connections.values()) {
            for (Hold h : c.holds.values()) {
                String p = "lease." + j + ".";
                s.put(p + "resource", h.lease().resource().toString());
                s.put(p + "fence", String.valueOf(h.lease().fence()));
                s.put(p + "state", h.lease().state().toString());
                s.put(p + "client", c.describe());
                s.put(p + "victim", String.valueOf(h.victimPid()));
                j++;
            }
        }
        for (Hold h : detached.values()) {
            String p = "lease." + j + ".";
            s.put(p + "resource", h.lease().resource().toString());
            s.put(p + "fence", String.valueOf(h.lease().fence()));
            s.put(p + "state", h.lease().state().toString());
            s.put(p + "client", "process " + h.victimPid());
            s.put(p + "victim", String.valueOf(h.victimPid()));
            j++;
        }
        s.put("leases", String.valueOf(j));
        return new Frame(Frame.Type.OK, requestId, s);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Fencing

    private void lost(Hold hold, String reason) {
        metrics.leasesLost.incrementAndGet();
        Connection c = hold.owner();
        if (hold.detached() ? detached.remove(hold.lease().resource().toString(), hold)
                : c.holds.remove(hold.lease().resource().toString(), hold)) {
            metrics.leasesHeld.decrementAndGet();
        }
        log.warn("lost", "resource", hold.lease().resource().toString(), "fence", String.valueOf(hold.lease().fence()),
                "victim", String.valueOf(hold.victimPid()), "why", reason);
        reply(c, Frame.of(Frame.Type.EVENT, 0, "event", "LEASE_LOST", "resource", hold.lease().resource().toString(),
                "fence", String.valueOf(hold.lease().fence()), "reason", reason));
        kill(hold.victimPid(), false);
        long graceNs = config.timeouts().killGraceNs();
        fencer.schedule(() -> kill(hold.victimPid(), true), graceNs, TimeUnit.NANOSECONDS);
    }

    /** SIGTERM (or SIGKILL) to the process and its descendants, children first. */
    private void kill(long pid, boolean forcibly) {
        if (pid <= 1 || pid == ProcessHandle.current().pid()) {
            return;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid);
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return;
        }
        List<ProcessHandle> victims = new ArrayList<>(ph.get().descendants().toList());
        victims.add(ph.get());
        for (ProcessHandle v : victims) {
            boolean sent = forcibly ? v.destroyForcibly() : v.destroy();
            if (sent) {
                metrics.kills.incrementAndGet();
                log.warn(forcibly ? "sigkill" : "sigterm", "pid", String.valueOf(v.pid()));
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            SystemdNotify.notify("STOPPING=1");
        } catch (IOException ignored) {
            // best effort
        }
        selector.wakeup();
        try {
            selectorThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            drop(c, "daemon stopping");
        }
        for (Hold h : new ArrayList<>(detached.values())) {
            releaseDetached(h, "daemon stopping");
        }
        for (EmbeddedLeaseClient ls : lockspaces.values()) {
            ls.close();
        }
        fencer.shutdownNow();
        if (metricsServer != null) {
            metricsServer.stop(0);
        }
        try {
            server.close();
            selector.close();
            validity.close();
            Files.deleteIfExists(config.socket());
        } catch (IOException ignored) {
            // best effort
        }
        log.info("stopped");
    }
}
