package org.diskpaxos.lock.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * Hosts on one machine, each a real {@code dplock daemon} process with its own host id and socket, sharing one
 * lockspace on shared disks (files or block devices), plus the client processes run "on" each host. Killing a host
 * SIGKILLs its daemon and every client process registered to it (and their descendants), as a machine crash would;
 * pausing one SIGSTOPs its daemon only, as a hung daemon would be.
 *
 * <p>Every process started is registered; {@link #close()} kills what is left, and a JVM shutdown hook does the same
 * if the JVM exits first (Ctrl-C in {@code dplock demo}, a test run cut short). Limits: {@link #HOSTS_MAX} hosts.
 */
public final class LocalCluster implements AutoCloseable {

    public static final int HOSTS_MAX = 16;

    /** One daemon incarnation's process. */
    public static final class Host {
        public final int hostId;
        public final Path socket;
        public final Path log;
        private volatile Process daemon;
        private volatile boolean up;
        private volatile boolean ready;
        private volatile boolean paused;

        Host(int hostId, Path socket, Path log) {
            this.hostId = hostId;
            this.socket = socket;
            this.log = log;
        }

        /** Whether its daemon runs (started and not killed); a paused daemon is up. */
        public boolean up() {
            return up;
        }

        public boolean paused() {
            return paused;
        }

        /** Up and seen joined since its last start ({@link #awaitJoined}): clients may use it. */
        public boolean ready() {
            return up && ready;
        }

        /** The daemon's pid, or -1. */
        public long pid() {
            Process p = daemon;
            return p == null ? -1 : p.pid();
        }
    }

    private final Path dir;
    private final String lockspace;
    private final List<Path> disks;
    private final String profile;
    private final Launcher launcher;
    private final Map<Integer, Host> hosts = new TreeMap<>();
    /** Client processes by host id. */
    private final Map<Integer, List<Process>> clients = new ConcurrentHashMap<>();
    private final List<Process> others = new ArrayList<>();
    private final Thread cleanup = new Thread(this::killEverything, "dplock-cluster-cleanup");
    private final Object lock = new Object();
    private volatile boolean closed;

    /**
     * @param dir       where sockets and daemon logs go
     * @param lockspace the lockspace name
     * @param disks     its disks (1, 3 or 5), formatted by {@link #format}
     * @param profile   the daemons' timeout profile ({@code fast} or {@code default})
     */
    public LocalCluster(Path dir, String lockspace, List<Path> disks, String profile, Launcher launcher)
            throws IOException {
        if (disks.isEmpty() || disks.size() % 2 == 0 || disks.size() > 7) {
            throw new IllegalArgumentException("a lockspace needs 1, 3, 5 or 7 disks, got " + disks.size());
        }
        this.dir = dir;
        this.lockspace = lockspace;
        this.disks = List.copyOf(disks);
        this.profile = profile;
        this.launcher = launcher;
        Files.createDirectories(dir);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    public Path dir() {
        return dir;
    }

    public String lockspace() {
        return lockspace;
    }

    public List<Path> disks() {
        return disks;
    }

    public Launcher launcher() {
        return launcher;
    }

    /**
     * Formats the lockspace (512-byte sectors, 1 MiB areas) on every disk, creating missing files of
     * {@code createSizeBytes}, overwriting what was there.
     */
    public void format(int maxResources, long createSizeBytes) throws IOException {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        LockspaceLayout layout = new LockspaceLayout(g, maxResources);
        List<BlockDevice> devices = new ArrayList<>();
        try {
            List<LockspaceFormat.Target> targets = new ArrayList<>();
            for (Path d : disks) {
                BlockDeviceOptions o = BlockDeviceOptions.direct().withSectorSize(g.sectorSizeBytes());
                BlockDevice dev = BlockDevices.open(d, Files.exists(d) ? o : o.withCreateSize(createSizeBytes));
                devices.add(dev);
                targets.add(new LockspaceFormat.Target(dev, 0));
            }
            LockspaceFormat.format(lockspace, layout, targets, 1, true);
        } finally {
            for (BlockDevice d : devices) {
                d.close();
            }
        }
    }

    /** The host with this id (created on first use; its daemon not started). */
    public Host host(int hostId) {
        synchronized (lock) {
            if (hostId < 1 || hostId > HOSTS_MAX) {
                throw new IllegalArgumentException("host id must be 1.." + HOSTS_MAX + ", got " + hostId);
            }
            return hosts.computeIfAbsent(hostId, h -> new Host(h, dir.resolve("host" + h + ".sock"),
                    dir.resolve("host" + h + ".log")));
        }
    }

    public List<Host> hosts() {
        synchronized (lock) {
            return List.copyOf(hosts.values());
        }
    }

    /** Starts host {@code hostId}'s daemon; returns at once (see {@link #awaitJoined}). */
    public Host start(int hostId) throws IOException {
        return start(hostId, List.of());
    }

    /** Starts host {@code hostId}'s daemon with extra {@code dplock daemon} flags. */
    public Host start(int hostId, List<String> extraArgs) throws IOException {
        Host h = host(hostId);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("cluster closed");
            }
            if (h.up) {
                throw new IllegalStateException("host " + hostId + " is already up");
            }
            List<String> args = new ArrayList<>(List.of("daemon", "--host-id", String.valueOf(hostId), "--socket",
                    h.socket.toString(), "--profile", profile, "--host-name", "host" + hostId, "--lockspace",
                    lockspace + "=" + String.join(",", disks.stream().map(Path::toString).toList())));
            args.addAll(extraArgs);
            ProcessBuilder pb = new ProcessBuilder(launcher.command(Launcher.DAEMON_FLAGS, args))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(h.log.toFile()));
            h.daemon = pb.start();
            h.up = true;
            h.ready = false;
            h.paused = false;
        }
        return h;
    }

    /**
     * Waits until host {@code hostId}'s daemon answers and reports the lockspace JOINED; returns its generation.
     *
     * @throws IOException it exited or did not join within {@code timeout} (the message has its log's tail)
     */
    public long awaitJoined(int hostId, Duration timeout) throws IOException, InterruptedException {
        Host h = host(hostId);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = h.daemon;
            if (p == null || !p.isAlive()) {
                throw new IOException("host " + hostId + "'s daemon exited: " + tail(h.log, 5));
            }
            Map<String, String> s = status(hostId);
            if (s != null && "JOINED".equals(s.get("lockspace.0.state"))) {
                h.ready = true;
                return Long.parseLong(s.getOrDefault("lockspace.0.generation", "0"));
            }
            Thread.sleep(50);
        }
        throw new IOException("host " + hostId + " did not join within " + timeout.toMillis() + " ms: "
                + tail(h.log, 5));
    }

    /** The daemon's STATUS fields, or null if it does not answer. */
    public Map<String, String> status(int hostId) {
        Host h = host(hostId);
        if (!Files.exists(h.socket)) {
            return null;
        }
        try (DaemonConnection c = DaemonConnection.open(h.socket, "cluster", null)) {
            Frame f = c.request(Frame.of(Frame.Type.STATUS, 0)).get(2, TimeUnit.SECONDS);
            return f.type() == Frame.Type.OK ? f.fields() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Adds a resource to the lockspace through host {@code hostId}'s daemon. */
    public void createResource(int hostId, String resource) throws IOException {
        try (DaemonConnection c = DaemonConnection.open(host(hostId).socket, "cluster", null)) {
            Frame f = c.request(Frame.of(Frame.Type.CREATE_RESOURCE, 0, "resource", lockspace + "/" + resource))
                    .get(30, TimeUnit.SECONDS);
            if (f.type() != Frame.Type.OK) {
                throw new IOException("creating " + lockspace + "/" + resource + ": " + f.get("error", "failed"));
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new IOException("creating " + lockspace + "/" + resource + ": " + e, e);
        }
    }

    /**
     * Starts a client process "on" host {@code hostId}: {@code dplock ARGS...} with the client JVM flags, its
     * stderr appended to {@code stderrTo}. Returns null if the host is down (killed meanwhile).
     */
    public Process startClient(int hostId, List<String> dplockArgs, Path stderrTo) throws IOException {
        Host h = host(hostId);
        synchronized (lock) {
            if (closed || !h.up) {
                return null;
            }
            Process p = new ProcessBuilder(launcher.command(Launcher.CLIENT_FLAGS, dplockArgs))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderrTo.toFile())).start();
            List<Process> list = clients.computeIfAbsent(hostId, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
            list.removeIf(q -> !q.isAlive());
            list.add(p);
            return p;
        }
    }

    /** Registers a process to kill when the cluster closes. */
    public void register(Process p) {
        synchronized (lock) {
            others.add(p);
        }
    }

    /**
     * Crashes host {@code hostId}: SIGKILL to its daemon and to every client process on it, with their descendants,
     * all at once. Returns the time of the kill ({@link System#currentTimeMillis()}).
     */
    public long kill(int hostId) throws InterruptedException {
        Host h = host(hostId);
        List<ProcessHandle> victims = new ArrayList<>();
        Process daemon;
        long at;
        synchronized (lock) {
            h.up = false;
            daemon = h.daemon;
            if (daemon != null) {
                victims.add(daemon.toHandle());
            }
            for (Process p : clients.getOrDefault(hostId, List.of())) {
                victims.addAll(p.descendants().toList());
                victims.add(p.toHandle());
            }
            at = System.currentTimeMillis();
            for (ProcessHandle v : victims) {
                v.destroyForcibly();
            }
            if (h.paused && daemon != null) {
                signal(daemon.pid(), "CONT"); // a stopped process dies on SIGKILL anyway; this just tidies up
                h.paused = false;
            }
        }
        for (ProcessHandle v : victims) {
            v.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        return at;
    }

    /** SIGSTOP of host {@code hostId}'s daemon (its clients keep running): a hung or descheduled daemon. */
    public void pause(int hostId) throws IOException, InterruptedException {
        Host h = host(hostId);
        synchronized (lock) {
            if (h.up && !h.paused) {
                signal(h.pid(), "STOP");
                h.paused = true;
            }
        }
    }

    /** SIGCONT of a paused daemon. */
    public void resume(int hostId) throws IOException, InterruptedException {
        Host h = host(hostId);
        synchronized (lock) {
            if (h.up && h.paused) {
                signal(h.pid(), "CONT");
                h.paused = false;
            }
        }
    }

    /** SIGTERM to host {@code hostId}'s daemon (a clean stop: it releases and leaves), waiting for it to exit. */
    public void stop(int hostId) throws InterruptedException {
        Host h = host(hostId);
        Process p;
        synchronized (lock) {
            p = h.daemon;
            h.up = false;
        }
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void signal(long pid, String signal) {
        try {
            Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true)
                    .start();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of a log file, for error messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills every process this cluster started. */
    @Override
    public void close() {
        killEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void killEverything() {
        List<Process> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (Host h : hosts.values()) {
                h.up = false;
                if (h.paused && h.daemon != null) {
                    signal(h.daemon.pid(), "CONT");
                }
                if (h.daemon != null) {
                    all.add(h.daemon);
                }
            }
            for (List<Process> l : clients.values()) {
                all.addAll(l);
            }
            all.addAll(others);
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (Process p : all) {
            handles.addAll(p.descendants().toList());
            handles.add(p.toHandle());
        }
        for (ProcessHandle h : handles) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : handles) {
            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
