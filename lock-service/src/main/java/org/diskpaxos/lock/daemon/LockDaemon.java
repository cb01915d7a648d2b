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
import java.util.Properties;
import java.util.Set;
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
 * <h2>Losing and regaining a lockspace</h2>
 * A lockspace whose membership is lost stays served (requests get an error that says why) while a {@link Rejoin}
 * joins it again as a new generation, once the holders of its lost leases have been stopped; the validity file
 * publishes deadlines per generation, so a holder of the old generation never reads the new one's deadline.
 *
 * <h2>Watchdogs</h2>
 * Under systemd with {@code WatchdogSec}, the daemon pings {@code WATCHDOG=1} while its socket loop turns
 * ({@link SystemdWatchdog}). With {@code watchdog_device}, it pets that device only while {@link WatchdogRule} finds
 * every lease holder safe.
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
    /** How often a request waiting for another local client's release looks again. */
    static final long LOCAL_RETRY_MS = 20;

    private final DaemonConfig config;
    private final Map<String, EmbeddedLeaseClient> lockspaces = new ConcurrentHashMap<>();
    /** How each lockspace was joined (from the config or a LOCKSPACE_ADD request), for rejoins; reserved on add. */
    private final Map<String, DaemonConfig.LockspaceConfig> lockspaceConfigs = new ConcurrentHashMap<>();
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
    /** Lockspaces being rejoined after a loss, by name. */
    private final Map<String, Rejoin> rejoins = new ConcurrentHashMap<>();
    /** Processes stopped for a lost lease that may not have exited yet: pid → lockspace. */
    private final Map<Long, String> fenced = new ConcurrentHashMap<>();
    /** When the socket loop last turned (for the systemd watchdog). */
    private volatile long loopTurnedNs = System.nanoTime();
    private final SystemdWatchdog systemdWatchdog =
            SystemdWatchdog.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    private long lastSystemdPingNs = Long.MIN_VALUE / 2;
    private HardwareWatchdog hardwareWatchdog;
    private long lastPetNs = Long.MIN_VALUE / 2;
    private String petRefusedFor;

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
            if (config.watchdogDevice() != null) {
                d.hardwareWatchdog = DeviceWatchdog.open(config.watchdogDevice());
                log.info("watchdog", "device", config.watchdogDevice().toString(), "pet_every_ms",
                        String.valueOf(d.petEveryNs() / 1_000_000));
            }
        } catch (LeaseException | InterruptedException | IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        if (config.metrics() != null) {
            d.startMetrics(config.metrics());
        }
        d.selectorThread.start();
        d.fencer.scheduleAtFixedRate(d::tick, 0, Math.max(1, config.timeouts().ioTimeoutNs() / 8),
                TimeUnit.NANOSECONDS);
        if (d.systemdWatchdog != null) {
            log.info("systemd-watchdog", "ping_every_ms", String.valueOf(d.systemdWatchdog.pingEveryNs() / 1_000_000));
        }
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
        if (lockspaceConfigs.putIfAbsent(ls.name(), ls) != null) {
            throw new LeaseException("lockspace '" + ls.name() + "' is already joined (or being joined)");
        }
        long t0 = System.nanoTime();
        EmbeddedLeaseClient client;
        try {
            client = open(ls);
        } catch (LeaseException | InterruptedException | IOException | RuntimeException e) {
            lockspaceConfigs.remove(ls.name(), ls);
            throw e;
        }
        lockspaces.put(ls.name(), client);
        validity.publish(ls.name(), client.validUntilNanos(), client.generation());
        log.info("joined", "lockspace", ls.name(), "host_id", String.valueOf(config.hostId()), "generation",
                String.valueOf(client.generation()), "join_ms", String.valueOf((System.nanoTime() - t0) / 1_000_000));
    }

    private EmbeddedLeaseClient open(DaemonConfig.LockspaceConfig ls) throws LeaseException, InterruptedException,
            IOException {
        HostIdentity local = HostIdentity.local();
        HostIdentity identity = config.hostName() == null ? local
                : new HostIdentity(local.machine(), local.boot(), trimHost(config.hostName()));
        EmbeddedLeaseClient client = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(ls.name(),
                config.hostId(), ls.disks(), ls.geometry(), config.timeouts(), ls.maxResources(), identity));
        client.observeRenewals(new org.diskpaxos.lock.disk.Lockspace.RenewalObserver() {
            @Override
            public void renewed(long tookNs) {
                metrics.renewalLatency.record(tookNs);
            }

            @Override
            public void failed(long tookNs, int disksWritten) {
                metrics.renewalsFailed.incrementAndGet();
            }
        });
        return client;
    }

    private static String trimHost(String h) {
        String s = h.replace(":", "");
        return s.length() > HostIdentity.HOST_CHARS_MAX ? s.substring(0, HostIdentity.HOST_CHARS_MAX) : s;
    }

    /**
     * Every {@code ioTimeout / 8} on the fencer thread: publishes each lockspace's deadline, starts a rejoin of a
     * lockspace whose membership was lost, pets the watchdog device if the holders are safe, pings systemd.
     */
    private void tick() {
        try {
            long now = System.nanoTime();
            List<WatchdogRule.LockspaceHealth> health = new ArrayList<>();
            for (Map.Entry<String, EmbeddedLeaseClient> e : lockspaces.entrySet()) {
                EmbeddedLeaseClient c = e.getValue();
                long until = c.validUntilNanos();
                validity.publish(e.getKey(), until, c.generation());
                if (c.membership() != org.diskpaxos.lock.disk.Lockspace.State.JOINED && !closed) {
                    startRejoin(e.getKey(), c);
                }
                boolean onTime = until - now > config.timeouts().validForNs() - config.timeouts().suspectAfterNs();
                health.add(new WatchdogRule.LockspaceHealth(e.getKey(), onTime, holdsIn(e.getKey()),
                        fencedAliveIn(e.getKey())));
            }
            petHardwareWatchdog(now, health);
            pingSystemd(now);
        } catch (RuntimeException e) {
            log.warn("tick", "error", String.valueOf(e));
        }
    }

    private long petEveryNs() {
        return Math.max(100_000_000L, config.timeouts().ioTimeoutNs() / 4);
    }

    private void petHardwareWatchdog(long now, List<WatchdogRule.LockspaceHealth> health) {
        if (hardwareWatchdog == null || now - lastPetNs < petEveryNs()) {
            return;
        }
        WatchdogRule.LockspaceHealth unsafe = WatchdogRule.firstUnsafe(health);
        if (unsafe != null) {
            if (petRefusedFor == null) {
                petRefusedFor = unsafe.name();
                log.warn("watchdog-not-petted", "lockspace", unsafe.name(), "leases_held",
                        String.valueOf(unsafe.leasesHeld()), "fenced_alive", String.valueOf(unsafe.fencedAlive()),
                        "why", unsafe.renewingOnTime() ? "holders of lost leases have not exited"
                                : "renewal overdue with leases held");
            }
            return;
        }
        if (petRefusedFor != null) {
            log.info("watchdog-petting-again", "lockspace", petRefusedFor);
            petRefusedFor = null;
        }
        try {
            hardwareWatchdog.pet();
            lastPetNs = now;
            metrics.watchdogPets.incrementAndGet();
        } catch (IOException e) {
            log.warn("watchdog-pet-failed", "device", hardwareWatchdog.name(), "error", e.getMessage());
        }
    }

    private void pingSystemd(long now) {
        if (systemdWatchdog == null || !systemdWatchdog.due(now, lastSystemdPingNs, loopTurnedNs)) {
            return;
        }
        try {
            SystemdNotify.notify("WATCHDOG=1");
            lastSystemdPingNs = now;
        } catch (IOException | RuntimeException e) {
            log.warn("systemd-watchdog", "error", String.valueOf(e.getMessage()));
        }
    }

    private int holdsIn(String lockspace) {
        int n = 0;
        for (Connection c : connections.values()) {
            for (Hold h : c.holds.values()) {
                n += h.lease().resource().lockspace().equals(lockspace) ? 1 : 0;
            }
        }
        for (Hold h : detached.values()) {
            n += h.lease().resource().lockspace().equals(lockspace) ? 1 : 0;
        }
        return n;
    }

    private int fencedAliveIn(String lockspace) {
        int n = 0;
        for (Map.Entry<Long, String> e : fenced.entrySet()) {
            if (!ProcessHandle.of(e.getKey()).map(ProcessHandle::isAlive).orElse(false)) {
                fenced.remove(e.getKey(), e.getValue());
            } else if (e.getValue().equals(lockspace)) {
                n++;
            }
        }
        return n;
    }

    private String lostReason(EmbeddedLeaseClient c) {
        return c.lostReason() != null ? c.lostReason() : "no renewal of this host's delta lease reached a majority of"
                + " disks within " + config.timeouts().validForNs() / 1_000_000 + " ms";
    }

    /** Starts rejoining {@code name} (once per loss) on a thread of its own. */
    private void startRejoin(String name, EmbeddedLeaseClient lost) {
        DaemonConfig.LockspaceConfig ls = lockspaceConfigs.get(name);
        if (ls == null || rejoins.containsKey(name)) {
            return;
        }
        log.warn("membership-lost", "lockspace", name, "generation", String.valueOf(lost.generation()), "why",
                lostReason(lost), "then", "rejoin after holders are stopped");
        metrics.membershipsLost.incrementAndGet();
        Rejoin r = new Rejoin(name, config.timeouts(), () -> open(ls), joined -> {
            if (closed || !lockspaces.replace(name, lost, joined)) {
                joined.close();
            } else {
                validity.publish(name, joined.validUntilNanos(), joined.generation());
                Thread closer = new Thread(lost::close, "dplock-close-" + name);
                closer.setDaemon(true);
                closer.start();
            }
            rejoins.remove(name);
        }, log);
        rejoins.put(name, r);
        Thread t = new Thread(r, "dplock-rejoin-" + name);
        t.setDaemon(true);
        t.start();
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
    private record Hold(Connection owner, Lease lease, long victimPid, boolean detached, boolean supervisor) {
    }

    private void serve() {
        long selectMs = systemdWatchdog == null ? 250
                : Math.max(10, Math.min(250, systemdWatchdog.pingEveryNs() / 4_000_000));
        while (!closed) {
            loopTurnedNs = System.nanoTime();
            try {
                selector.select(selectMs);
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
            case LOCKSPACE_ADD -> addLockspace(c, f);
            case LOCKSPACE_REMOVE -> removeLockspace(c, f);
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
        Rejoin rejoin = rejoins.get(id.lockspace());
        if (rejoin != null) {
            metrics.acquireFailed.incrementAndGet();
            send(c, error(f, "lockspace '" + id.lockspace() + "': this host lost its membership (" + lostReason(ls)
                    + ") and is " + rejoin.describe()));
            return;
        }
        boolean detach = Boolean.parseBoolean(f.get("detach", "false"));
        boolean supervisor = Boolean.parseBoolean(f.get("supervisor", "false"));
        if (detach && (victim < 2 || victim == ProcessHandle.current().pid())) {
            // A detached lease lives until its process exits: the daemon itself (or init) never does.
            send(c, error(f, "bad acquire request: pid " + victim + " is " + (victim < 2 ? "not a user process"
                    : "the daemon itself") + "; give the pid of the process that uses the lease"));
            return;
        }
        if (c.holds.containsKey(id.toString()) || detach && detached.containsKey(id.toString())) {
            send(c, error(f, "already held through this daemon: " + id));
            return;
        }
        String localHolder = localHolder(ls, id);
        if (localHolder != null) {
            waitForLocalRelease(c, f, id, wait, localHolder);
            return;
        }
        c.pending++;
        acquiringNow.merge(id.toString(), 1, Integer::sum);
        long t0 = System.nanoTime();
        ls.acquireAsync(id, wait, new LeaseOptions(mode, LeaseOptions.OnLoss.NOTIFY)).whenComplete((lease, error) -> {
            selectorTasks.add(() -> {
                c.pending--;
                acquiringNow.computeIfPresent(id.toString(), (k, n) -> n == 1 ? null : n - 1);
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
                Hold hold = new Hold(c, l, victim, detach, supervisor);
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
                        "generation", String.valueOf(ls.generation()), "kill_grace_ms",
                        String.valueOf(config.timeouts().killGraceNs() / 1_000_000),
                        "validity_file", ValidityFile.pathFor(config.socket()).toString()));
            });
            selector.wakeup();
        });
    }

    /** Who on this host holds {@code id} through this daemon (another client, or a release in progress), or null. */
    /**
     * Acquires this daemon has started and not yet answered, by resource (selector thread only). Another one of the
     * same resource waits its turn like a request behind a local holder: the host's one membership acquires a
     * resource once at a time, and the client that started it may have gone away meanwhile.
     */
    private final Map<String, Integer> acquiringNow = new java.util.HashMap<>();

    private String localHolder(EmbeddedLeaseClient ls, ResourceId id) {
        if (acquiringNow.containsKey(id.toString())) {
            return "an acquire in progress for another client";
        }
        for (Hold h : allHolds()) {
            if (h.lease().resource().equals(id)) {
                return h.detached() ? "process " + h.victimPid() : h.owner().describe();
            }
        }
        for (Lease l : ls.held()) {
            if (l.resource().equals(id)) {
                return "a release in progress";
            }
        }
        return null;
    }

    /**
     * Another client of this daemon holds the lease: the host's one membership cannot take it twice, so wait here
     * for that client's release (polling every {@link #LOCAL_RETRY_MS} ms) within the request's timeout, then BUSY.
     */
    private void waitForLocalRelease(Connection c, Frame f, ResourceId id, Duration wait, String holder) {
        if (wait.toMillis() <= 0) {
            metrics.acquireBusy.incrementAndGet();
            send(c, Frame.of(Frame.Type.BUSY, f.requestId(), "error", id + " is held on this host by " + holder));
            return;
        }
        c.pending++;
        long stepMs = Math.min(LOCAL_RETRY_MS, wait.toMillis());
        fencer.schedule(() -> {
            selectorTasks.add(() -> {
                c.pending--;
                if (!c.channel.isOpen() || closed) {
                    return;
                }
                Map<String, String> fields = new LinkedHashMap<>(f.fields());
                fields.put("timeout_ms", String.valueOf(wait.toMillis() - stepMs));
                acquire(c, new Frame(f.type(), f.requestId(), fields));
            });
            selector.wakeup();
        }, stepMs, TimeUnit.MILLISECONDS);
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

    /**
     * LOCKSPACE_ADD: joins the lockspace {@code lockspace} on {@code disks} (and optional {@code sector_size},
     * {@code align}, {@code max_resources}, as in the config file) on a thread of its own, then replies with its
     * generation. It is rejoined after a loss like a configured one; it is not written to the config file.
     */
    private void addLockspace(Connection c, Frame f) {
        String name = f.get("lockspace", "");
        Properties p = new Properties();
        for (String key : List.of("disks", "sector_size", "align", "max_resources")) {
            if (f.get(key) != null) {
                p.setProperty(key, f.get(key));
            }
        }
        DaemonConfig.LockspaceConfig ls;
        try {
            ls = DaemonConfig.lockspace(name, p);
        } catch (DaemonConfig.ConfigException e) {
            send(c, error(f, "lockspace add: " + e.getMessage()));
            return;
        }
        c.pending++;
        Thread t = new Thread(() -> {
            Frame reply;
            try {
                addLockspace(ls);
                reply = Frame.of(Frame.Type.OK, f.requestId(), "lockspace", name, "generation",
                        String.valueOf(lockspaces.get(name).generation()));
                log.info("lockspace-added", "lockspace", name, "client", c.describe());
            } catch (InterruptedException e) {
                reply = error(f, "lockspace add '" + name + "': interrupted");
            } catch (LeaseException | IOException | RuntimeException e) {
                reply = error(f, "lockspace add '" + name + "': " + e.getMessage());
            }
            Frame r = reply;
            selectorTasks.add(() -> {
                c.pending--;
                send(c, r);
            });
            selector.wakeup();
        }, "dplock-add-" + name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * LOCKSPACE_REMOVE: leaves the lockspace {@code lockspace} (its delta lease is released, so this host id is free
     * at once), refused while leases in it are held through this daemon: release them first.
     */
    private void removeLockspace(Connection c, Frame f) {
        String name = f.get("lockspace", "");
        EmbeddedLeaseClient ls = lockspaces.get(name);
        if (ls == null) {
            send(c, error(f, "lockspace remove: unknown lockspace '" + name + "' (this daemon serves "
                    + new java.util.TreeSet<>(lockspaces.keySet()) + ")"));
            return;
        }
        int held = holdsIn(name);
        if (held > 0) {
            send(c, error(f, "lockspace remove '" + name + "': " + held + " lease(s) in it are held through this"
                    + " daemon; release them first"));
            return;
        }
        Rejoin rejoin = rejoins.remove(name);
        if (rejoin != null) {
            rejoin.cancel();
        }
        lockspaces.remove(name, ls);
        lockspaceConfigs.remove(name);
        validity.publish(name, 0, ls.generation());
        c.pending++;
        Thread t = new Thread(() -> {
            ls.close();
            log.info("lockspace-removed", "lockspace", name, "client", c.describe());
            selectorTasks.add(() -> {
                c.pending--;
                send(c, Frame.of(Frame.Type.OK, f.requestId(), "lockspace", name));
            });
            selector.wakeup();
        }, "dplock-remove-" + name);
        t.setDaemon(true);
        t.start();
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
            Rejoin rejoin = rejoins.get(e.getKey());
            s.put(p + "state", rejoin != null ? "REJOINING" : ls.membership().toString());
            if (rejoin != null) {
                s.put(p + "rejoin", rejoin.describe());
            }
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
        if (hold.victimPid() > 1 && hold.victimPid() != ProcessHandle.current().pid()) {
            fenced.put(hold.victimPid(), hold.lease().resource().lockspace());
        }
        Frame event = Frame.of(Frame.Type.EVENT, 0, "event", "LEASE_LOST", "resource",
                hold.lease().resource().toString(), "fence", String.valueOf(hold.lease().fence()), "reason", reason);
        // Its process tree as it is before any signal: a descendant whose parent exits is no longer found under it.
        Optional<ProcessHandle> victim = hold.victimPid() > 1 && hold.victimPid() != ProcessHandle.current().pid()
                ? ProcessHandle.of(hold.victimPid()) : Optional.empty();
        List<ProcessHandle> users = new ArrayList<>(victim.map(v -> v.descendants().toList()).orElse(List.of()));
        if (hold.supervisor()) {
            // The event first, then the SIGTERM, both from the selector thread: sent from here, the signal overtook
            // the event on a loaded machine and the supervisor, not told why, exited 143 instead of 3
            // (DiskFaultTest). The SIGKILLs below keep their times from now, so a slow selector delays nothing that
            // other hosts' takeover counts on.
            selectorTasks.add(() -> {
                send(c, event);
                kill(hold.victimPid(), false);
            });
            selector.wakeup();
        } else {
            reply(c, event);
            kill(hold.victimPid(), false);
        }
        long graceNs = config.timeouts().killGraceNs();
        if (hold.supervisor()) {
            // A supervisor (dplock run) stops its command itself and exits 3; the processes that use the lease
            // are its descendants, and they get SIGKILL on time. The supervisor itself gets one I/O timeout more to
            // report, which no other host's takeover counts on.
            fencer.schedule(() -> {
                victim.ifPresent(v -> users.addAll(v.descendants().toList()));
                users.forEach(d -> killOne(d, true));
            }, graceNs, TimeUnit.NANOSECONDS);
            fencer.schedule(() -> kill(hold.victimPid(), true), graceNs + config.timeouts().ioTimeoutNs(),
                    TimeUnit.NANOSECONDS);
        } else {
            fencer.schedule(() -> kill(hold.victimPid(), true), graceNs, TimeUnit.NANOSECONDS);
        }
    }

    private List<Hold> allHolds() {
        List<Hold> all = new ArrayList<>(detached.values());
        for (Connection c : connections.values()) {
            all.addAll(c.holds.values());
        }
        return all;
    }

    /**
     * Stops the processes that hold leases: SIGTERM, SIGKILL after the kill grace, then waits up to an I/O timeout
     * more. Returns the pids still alive (this process is never a victim).
     */
    private Set<Long> stopHolders(List<Hold> holds) {
        Set<Long> pids = new java.util.TreeSet<>();
        for (Hold h : holds) {
            if (h.victimPid() > 1 && h.victimPid() != ProcessHandle.current().pid()) {
                pids.add(h.victimPid());
            }
        }
        if (pids.isEmpty()) {
            return pids;
        }
        log.info("stopping-holders", "pids", pids.toString(), "why", "the daemon is stopping");
        for (long pid : pids) {
            kill(pid, false);
        }
        pids = awaitExit(pids, config.timeouts().killGraceNs());
        for (long pid : pids) {
            kill(pid, true);
        }
        return awaitExit(pids, config.timeouts().ioTimeoutNs() + config.timeouts().killGraceNs());
    }

    private static Set<Long> awaitExit(Set<Long> pids, long withinNs) {
        long deadline = System.nanoTime() + withinNs;
        Set<Long> alive = new java.util.TreeSet<>(pids);
        while (true) {
            alive.removeIf(pid -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            if (alive.isEmpty() || System.nanoTime() >= deadline) {
                return alive;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
        }
    }

    /** Takes holds whose victim survived out of {@code holds} (so they are not released); notes their lockspaces. */
    private static void keepIfVictimSurvived(Map<String, Hold> holds, Set<Long> survivors, Set<String> abandoned) {
        holds.values().removeIf(h -> {
            if (survivors.contains(h.victimPid())) {
                abandoned.add(h.lease().resource().lockspace());
                return true;
            }
            return false;
        });
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
            killOne(v, forcibly);
        }
    }

    private void killOne(ProcessHandle v, boolean forcibly) {
        if (v.pid() <= 1 || v.pid() == ProcessHandle.current().pid() || !v.isAlive()) {
            return;
        }
        boolean sent = forcibly ? v.destroyForcibly() : v.destroy();
        if (sent) {
            metrics.kills.incrementAndGet();
            log.warn(forcibly ? "sigkill" : "sigterm", "pid", String.valueOf(v.pid()));
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
        for (Rejoin r : rejoins.values()) {
            r.cancel();
        }
        selector.wakeup();
        try {
            selectorThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Holders first: no lease is given back and no host id freed while a process holding one may still run.
        for (Map.Entry<String, EmbeddedLeaseClient> e : lockspaces.entrySet()) {
            validity.publish(e.getKey(), 0, e.getValue().generation());
        }
        Set<String> abandoned = new java.util.HashSet<>();
        Set<Long> survivors = stopHolders(allHolds());
        for (Connection c : new ArrayList<>(connections.values())) {
            keepIfVictimSurvived(c.holds, survivors, abandoned);
            drop(c, "daemon stopping");
        }
        keepIfVictimSurvived(detached, survivors, abandoned);
        for (Hold h : new ArrayList<>(detached.values())) {
            releaseDetached(h, "daemon stopping");
        }
        for (Map.Entry<String, EmbeddedLeaseClient> e : lockspaces.entrySet()) {
            if (abandoned.contains(e.getKey())) {
                log.warn("abandoned", "lockspace", e.getKey(), "why", "holders did not exit; their leases and this"
                        + " host id expire on their own instead of being released");
                e.getValue().abandon();
            } else {
                e.getValue().close();
            }
        }
        fencer.shutdownNow();
        if (hardwareWatchdog != null) {
            hardwareWatchdog.close();
        }
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
