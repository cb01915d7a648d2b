package org.diskpaxos.lock.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.diskpaxos.lock.core.LeaseTimeouts;

/**
 * {@code dplock demo}: three hosts, one lock, one crash, told as it happens. It formats a lockspace on three disk
 * files, starts a daemon per host, runs {@link CounterWorkload} clients on every host, SIGKILLs the host holding the
 * lock (daemon and clients) in the middle of a critical section, measures how long until another host holds it,
 * restarts the killed host, and ends with what the counter's log proves ({@link CounterLog}). Every process it
 * starts is killed when it ends, also on Ctrl-C.
 *
 * @param dir            where disks, sockets and logs go (created; emptied first)
 * @param hosts          hosts, 2..5
 * @param workers        clients per host
 * @param before         how long the clients run before the crash
 * @param after          how long they run after the takeover
 * @param hold           how long each critical section holds the lock
 * @param profile        timeout profile: fast or default
 * @param keep           keep the disks and logs afterwards
 */
public record Demo(Path dir, int hosts, int workers, Duration before, Duration after, Duration hold, String profile,
                   boolean keep) {

    static final String LOCKSPACE = "demo";
    static final String RESOURCE = "counter";
    static final long DISK_BYTES = 16L * 1024 * 1024;

    public Demo {
        if (hosts < 2 || hosts > 5) {
            throw new IllegalArgumentException("--hosts must be 2..5, got " + hosts);
        }
        if (!profile.equals("fast") && !profile.equals("default")) {
            throw new IllegalArgumentException("--profile must be fast or default, got '" + profile + "'");
        }
    }

    /** Runs the demo; returns the exit code (0 if every check passed). */
    public int run(PrintStream out) throws Exception {
        Clock clock = new Clock(out);
        LeaseTimeouts t = profile.equals("fast") ? LeaseTimeouts.FAST : LeaseTimeouts.DEFAULT;
        prepare();
        List<Path> disks = List.of(dir.resolve("a.img"), dir.resolve("b.img"), dir.resolve("c.img"));
        out.printf(Locale.ROOT, "dplock demo: %d hosts (daemons) on this machine share %d disk files in %s and a lock "
                + "that guards a counter.%nTimeouts (%s profile): %s.%n%n", hosts, disks.size(), dir, profile,
                t.describe());
        try (LocalCluster cluster = new LocalCluster(dir, LOCKSPACE, disks, profile, Launcher.current())) {
            cluster.format(8, DISK_BYTES);
            clock.say("formatted lockspace '%s' on %s (sanlock's on-disk format, 512-byte sectors)", LOCKSPACE,
                    String.join(", ", disks.stream().map(p -> p.getFileName().toString()).toList()));
            for (int h = 1; h <= hosts; h++) {
                cluster.start(h);
            }
            for (int h = 1; h <= hosts; h++) {
                long gen = cluster.awaitJoined(h, Duration.ofSeconds(60));
                clock.say("host %d: daemon pid %d joined as host id %d, generation %d (socket %s)", h,
                        cluster.host(h).pid(), h, gen, dir.relativize(cluster.host(h).socket));
            }
            cluster.createResource(1, RESOURCE);
            clock.say("created resource %s/%s", LOCKSPACE, RESOURCE);
            try (CounterWorkload work = new CounterWorkload(cluster, RESOURCE, workers, hold, Duration.ofSeconds(30));
                 Narrator narrator = new Narrator(cluster, work.log(), clock)) {
                clock.say("%d client(s) per host now loop: dplock run %s/%s -- bash increment.sh  (each run: read "
                        + "the counter, check the fencing token, +1)", workers, LOCKSPACE, RESOURCE);
                work.start();
                narrator.start();
                Thread.sleep(before.toMillis());
                Crash crash = crashTheHolder(cluster, work, clock, t);
                narrator.markCrash(crash.host);
                long tookOverMs = awaitTakeover(work, crash, clock);
                long t0 = System.nanoTime();
                cluster.start(crash.host);
                long gen = cluster.awaitJoined(crash.host, Duration.ofSeconds(60));
                clock.say("host %d restarted: its new daemon rejoined as generation %d, %d ms after it was started "
                        + "(JVM start included; its old leases were over)", crash.host, gen,
                        (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(after.toMillis());
                clock.say("stopping the clients");
                work.stop(Duration.ofSeconds(35));
                narrator.drain();
                return summary(out, work, crash, tookOverMs, t);
            }
        } finally {
            if (!keep) {
                deleteDisks();
            }
        }
    }

    private void prepare() throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p) || Files.isSymbolicLink(p) || p.toString().endsWith(".sock")) {
                    Files.delete(p);
                }
            }
        }
    }

    private void deleteDisks() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.toString().endsWith(".img")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Crash(int host, long atMs, long fence) {
    }

    /** Waits for a host to be inside a critical section, then SIGKILLs that host. */
    private Crash crashTheHolder(LocalCluster cluster, CounterWorkload work, Clock clock, LeaseTimeouts t)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = work.logLines();
            if (!lines.isEmpty()) {
                CounterLog.Line last = CounterLog.parse(lines.get(lines.size() - 1));
                if (last != null && last.kind().equals("begin")) {
                    long at = cluster.kill(last.host());
                    clock.sayAt(at / 1000.0, "*** SIGKILL host %d: its daemon and all its client processes, while "
                            + "it holds %s/%s (fence %d) ***", last.host(), LOCKSPACE, RESOURCE, last.fence());
                    clock.sayAt(at / 1000.0, "the other hosts must wait until host %d's holders are provably stopped: %d ms of "
                            + "silence from its delta lease", last.host(), t.hostDeadNs() / 1_000_000);
                    return new Crash(last.host(), at, last.fence());
                }
            }
            Thread.sleep(5);
        }
        throw new IOException("no host entered a critical section for 30 s; see " + dir.resolve("clients.log"));
    }

    private long awaitTakeover(CounterWorkload work, Crash crash, Clock clock) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            CounterLog.Check c = CounterLog.check(work.logLines());
            long ms = CounterLog.failoverMs(c.lines(), crash.host, crash.atMs);
            if (ms >= 0) {
                CounterLog.Line next = c.lines().stream().filter(l -> l.kind().equals("begin")
                        && l.beginS() * 1000 > crash.atMs && l.host() != crash.host).findFirst().orElseThrow();
                clock.say("*** failover: host %d holds %s/%s with fence %d, %d ms after the crash ***", next.host(),
                        LOCKSPACE, RESOURCE, next.fence(), ms);
                return ms;
            }
            Thread.sleep(5);
        }
        throw new IOException("no host took over within 60 s of the crash");
    }

    private int summary(PrintStream out, CounterWorkload work, Crash crash, long failoverMs, LeaseTimeouts t)
            throws IOException {
        CounterLog.Check c = CounterLog.check(work.logLines());
        List<CounterWorkload.Run> runs = work.runs();
        Map<Integer, Integer> byCode = new HashMap<>();
        for (CounterWorkload.Run r : runs) {
            byCode.merge(r.exitCode(), 1, Integer::sum);
        }
        long ok = byCode.getOrDefault(0, 0);
        String counter = Files.readString(work.counterFile()).trim();
        out.println();
        out.println("summary");
        out.printf(Locale.ROOT, "  increments:      %d committed; runs that exited 0: %d; critical sections cut short"
                + " by the crash: %d%n", c.commits(), ok, c.interrupted());
        out.printf(Locale.ROOT, "  counter file:    %s (value and fence of the last increment)%n", counter);
        out.printf(Locale.ROOT, "  lost increments: %s%n", c.violations().stream().anyMatch(v -> v.contains("lost"))
                ? "YES" : "none: the log counts 1.." + c.commits() + " with no value twice");
        out.printf(Locale.ROOT, "  fencing tokens:  %s%n", c.ok() ? "strictly increasing, 1 token per critical section"
                + " (last " + c.lastFence() + "); no stale token reached the counter" : "see violations");
        out.printf(Locale.ROOT, "  overlap:         %s%n", c.violations().stream().anyMatch(v -> v.contains("overlap"))
                ? "YES" : "none: every critical section ended before the next began");
        out.printf(Locale.ROOT, "  failover:        %d ms from SIGKILL of host %d to a new holder (others wait %d ms"
                + " of silence from the dead host's last renewal, then acquire)%n", failoverMs, crash.host,
                t.hostDeadNs() / 1_000_000);
        out.printf(Locale.ROOT, "  runs by exit code: %s  (0 done, 1 not acquired in time, 3 lease lost, 137 killed"
                + " with its host)%n", new java.util.TreeMap<>(byCode));
        for (String v : c.violations()) {
            out.println("  VIOLATION: " + v);
        }
        boolean fine = c.ok() && c.commits() >= ok && c.commits() <= ok + c.interrupted();
        out.println(fine ? "  result: OK" : "  result: FAILED");
        if (keep) {
            out.println();
            out.println("Kept in " + dir + ": the disks (try: ./dplock dump " + dir.resolve("a.img") + "), daemon logs"
                    + " host*.log, the counter's log " + work.log().getFileName() + ".");
        }
        return fine ? 0 : 1;
    }

    /** Seconds since the demo started, in front of each line. */
    static final class Clock {
        private final long startNs = System.nanoTime();
        private final long startMs = System.currentTimeMillis();
        private final PrintStream out;

        Clock(PrintStream out) {
            this.out = out;
        }

        synchronized void say(String format, Object... args) {
            out.printf(Locale.ROOT, "[%5.1fs] " + format + "%n", prepend((System.nanoTime() - startNs) / 1e9, args));
        }

        synchronized void sayAt(double epochS, String format, Object... args) {
            out.printf(Locale.ROOT, "[%5.1fs] " + format + "%n", prepend(epochS - startMs / 1000.0, args));
        }

        private static Object[] prepend(double s, Object[] args) {
            Object[] all = new Object[args.length + 1];
            all[0] = s;
            System.arraycopy(args, 0, all, 1, args.length);
            return all;
        }
    }

    /** Prints each increment as it lands in the log, and what the daemons log about losses and joins. */
    static final class Narrator implements AutoCloseable {
        private final LocalCluster cluster;
        private final Path log;
        private final Clock clock;
        private final Map<Path, Long> offsets = new HashMap<>();
        private final Thread thread = new Thread(this::loop, "demo-narrator");
        private volatile boolean running = true;
        private volatile int crashed = -1;

        Narrator(LocalCluster cluster, Path log, Clock clock) {
            this.cluster = cluster;
            this.log = log;
            this.clock = clock;
            thread.setDaemon(true);
        }

        void start() {
            for (LocalCluster.Host h : cluster.hosts()) {
                offsets.put(h.log, size(h.log));
            }
            thread.start();
        }

        void markCrash(int host) {
            crashed = host;
        }

        private void loop() {
            while (running) {
                poll();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void poll() {
            for (String line : newLines(log)) {
                CounterLog.Line l = CounterLog.parse(line);
                if (l != null && l.kind().equals("commit")) {
                    clock.sayAt(l.endS(), "host %d: counter = %-4d fence %-4d (lock held %3.0f ms)", l.host(), l.value(),
                            l.fence(), (l.endS() - l.beginS()) * 1000);
                } else if (l != null && l.kind().equals("reject")) {
                    clock.sayAt(l.beginS(), "host %d: fence %d REJECTED as stale", l.host(), l.fence());
                }
            }
            for (LocalCluster.Host h : cluster.hosts()) {
                for (String line : newLines(h.log)) {
                    String event = field(line, "event");
                    if (event == null) {
                        continue;
                    }
                    switch (event) {
                        case "lost", "membership-lost", "rejoined", "sigkill", "sigterm" -> clock.say(
                                "host %d daemon: %s", h.hostId, line.substring(line.indexOf("event=")));
                        default -> {
                        }
                    }
                }
            }
        }

        void drain() {
            poll();
        }

        private List<String> newLines(Path file) {
            long from = offsets.getOrDefault(file, 0L);
            List<String> lines = new ArrayList<>();
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= from) {
                    return lines;
                }
                byte[] b = new byte[(int) Math.min(len - from, 1 << 20)];
                f.seek(from);
                f.readFully(b);
                String text = new String(b, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n');
                if (end < 0) {
                    return lines;
                }
                offsets.put(file, from + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length);
                for (String s : text.substring(0, end).split("\n")) {
                    lines.add(s);
                }
            } catch (IOException e) {
                // not there yet
            }
            return lines;
        }

        private static long size(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return 0;
            }
        }

        private static String field(String line, String key) {
            int i = line.indexOf(" " + key + "=");
            if (i < 0) {
                return null;
            }
            int start = i + key.length() + 2;
            int end = line.indexOf(' ', start);
            return line.substring(start, end < 0 ? line.length() : end);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(1000);
        }
    }
}
