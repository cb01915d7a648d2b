package org.diskpaxos.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskpaxos.lock.cluster.CounterLog;
import org.diskpaxos.lock.cluster.CounterWorkload;
import org.diskpaxos.lock.cluster.LocalCluster;

/**
 * The multi-process chaos run shared by the chaos tests: hosts (real daemon processes) on shared disks, clients
 * (real {@code dplock run} processes) incrementing a counter under one lock on every host, and a seeded schedule of
 * faults: SIGKILL of a host (its daemon and its clients) followed by a restart on the same host id, and SIGSTOP of a
 * daemon for a while followed by SIGCONT. At the end it collects what must hold and what was measured.
 */
final class Chaos {

    /** What happened, and what it proves. */
    record Result(long seed, CounterLog.Check log, List<CounterWorkload.Run> runs, int kills, int pauses,
                  int longPauses, List<Long> failoverMs, List<Long> rejoinMs, List<String> grantProblems,
                  List<String> runProblems, String narrative) {

        long successfulRuns() {
            return runs.stream().filter(r -> r.exitCode() == 0).count();
        }

        String summary() {
            Map<Integer, Integer> byCode = new java.util.TreeMap<>();
            for (CounterWorkload.Run r : runs) {
                byCode.merge(r.exitCode(), 1, Integer::sum);
            }
            return String.format(Locale.ROOT, "seed %d: %d increments committed, %d runs (%s by exit code), %d kills,"
                    + " %d pauses (%d past the lease time), failover after killing the holder %s ms, rejoin after"
                    + " restart %s ms, violations %s", seed, log.commits(), runs.size(), byCode, kills, pauses,
                    longPauses, failoverMs, rejoinMs, log.violations());
        }
    }

    private final LocalCluster cluster;
    private final int hosts;
    private final long seed;
    private final Random random;
    private final StringBuilder narrative = new StringBuilder();
    private final long startMs = System.currentTimeMillis();

    Chaos(LocalCluster cluster, int hosts, long seed) {
        this.cluster = cluster;
        this.hosts = hosts;
        this.seed = seed;
        this.random = new Random(seed);
    }

    private void note(String format, Object... args) {
        String line = String.format(Locale.ROOT, "[%6.2fs] ", (System.currentTimeMillis() - startMs) / 1000.0)
                + String.format(Locale.ROOT, format, args);
        synchronized (narrative) {
            narrative.append(line).append('\n');
        }
        System.out.println(line);
    }

    /** Starts every host, runs the workload under faults for {@code duration}, then checks. */
    Result run(Duration duration, int workersPerHost) throws Exception {
        for (int h = 1; h <= hosts; h++) {
            cluster.start(h);
        }
        for (int h = 1; h <= hosts; h++) {
            cluster.awaitJoined(h, Duration.ofSeconds(60));
        }
        cluster.createResource(1, "counter");
        List<Long> failovers = new ArrayList<>();
        List<Long> rejoins = new ArrayList<>();
        Map<Integer, Long> killedAt = new HashMap<>();
        List<long[]> kills = new ArrayList<>(); // host, at
        int pauses = 0;
        int longPauses = 0;
        try (CounterWorkload work = new CounterWorkload(cluster, "counter", workersPerHost, Duration.ofMillis(20),
                Duration.ofSeconds(5))) {
            work.start();
            note("seed %d: %d hosts, %d client(s) each, faults for %d s", seed, hosts, workersPerHost,
                    duration.toSeconds());
            long endNs = System.nanoTime() + duration.toNanos();
            Thread.sleep(1500);
            while (System.nanoTime() < endNs) {
                restartDue(killedAt, rejoins);
                double dice = random.nextDouble();
                int victim = pickVictim(work, dice < 0.45);
                if (victim > 0 && dice < 0.6 && upCount() >= 2) {
                    long at = cluster.kill(victim);
                    killedAt.put(victim, at + 1000 + random.nextInt(2500));
                    kills.add(new long[] {victim, at});
                    note("SIGKILL host %d (daemon and clients)", victim);
                } else if (victim > 0) {
                    long pauseMs = 200 + random.nextInt(2800);
                    pauses++;
                    longPauses += pauseMs > 1000 ? 1 : 0;
                    cluster.pause(victim);
                    note("SIGSTOP host %d's daemon for %d ms", victim, pauseMs);
                    sleepRestarting(pauseMs, killedAt, rejoins);
                    cluster.resume(victim);
                    note("SIGCONT host %d's daemon", victim);
                }
                sleepRestarting(1000 + random.nextInt(1500), killedAt, rejoins);
            }
            while (!killedAt.isEmpty()) {
                restartDue(killedAt, rejoins);
                Thread.sleep(50);
            }
            Thread.sleep(1500); // every host serves again: the last increments are ordinary ones
            note("stopping the clients");
            work.stop(Duration.ofSeconds(20));
            CounterLog.Check check = CounterLog.check(work.logLines());
            for (long[] k : kills) {
                long ms = CounterLog.failoverMs(check.lines(), (int) k[0], k[1]);
                if (ms >= 0) {
                    failovers.add(ms);
                }
            }
            List<CounterWorkload.Run> runs = work.runs();
            return new Result(seed, check, runs, kills.size(), pauses, longPauses, failovers, rejoins,
                    grantProblems(), runProblems(check, runs), narrative.toString());
        }
    }

    private int upCount() {
        return (int) cluster.hosts().stream().filter(LocalCluster.Host::up).count();
    }

    /** A host that is up and not paused: the lock's holder if {@code holder} and one holds it, else any. */
    private int pickVictim(CounterWorkload work, boolean holder) throws IOException {
        List<Integer> candidates = new ArrayList<>();
        for (LocalCluster.Host h : cluster.hosts()) {
            if (h.ready() && !h.paused()) {
                candidates.add(h.hostId);
            }
        }
        if (candidates.isEmpty()) {
            return -1;
        }
        if (holder) {
            List<String> lines = work.logLines();
            for (int tries = 0; tries < 100 && !lines.isEmpty(); tries++) {
                CounterLog.Line last = CounterLog.parse(lines.get(lines.size() - 1));
                if (last != null && last.kind().equals("begin") && candidates.contains(last.host())) {
                    return last.host();
                }
                sleep(10);
                lines = work.logLines();
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    private void sleepRestarting(long ms, Map<Integer, Long> killedAt, List<Long> rejoins) throws Exception {
        long end = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < end) {
            restartDue(killedAt, rejoins);
            Thread.sleep(Math.min(50, Math.max(1, end - System.currentTimeMillis())));
        }
    }

    private void restartDue(Map<Integer, Long> killedAt, List<Long> rejoins) throws Exception {
        for (Map.Entry<Integer, Long> e : new HashMap<>(killedAt).entrySet()) {
            if (System.currentTimeMillis() >= e.getValue()) {
                killedAt.remove(e.getKey());
                long t0 = System.nanoTime();
                cluster.start(e.getKey());
                long gen = cluster.awaitJoined(e.getKey(), Duration.ofSeconds(60));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                rejoins.add(ms);
                note("host %d restarted: rejoined as generation %d in %d ms (JVM start included)", e.getKey(), gen, ms);
            }
        }
    }

    private static final Pattern ACQUIRED = Pattern.compile("event=acquired resource=(\\S+) fence=(\\d+)");

    /** From every daemon's own log: each fencing token of the counter was granted once, by one daemon. */
    private List<String> grantProblems() throws IOException {
        Map<Long, String> grants = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (LocalCluster.Host h : cluster.hosts()) {
            for (String line : Files.readAllLines(h.log)) {
                Matcher m = ACQUIRED.matcher(line);
                if (m.find() && m.group(1).endsWith("/counter")) {
                    long fence = Long.parseLong(m.group(2));
                    String prev = grants.put(fence, "host " + h.hostId);
                    if (prev != null) {
                        problems.add("fence " + fence + " granted by " + prev + " and by host " + h.hostId);
                    }
                }
            }
        }
        if (grants.isEmpty()) {
            problems.add("no grant found in the daemons' logs");
        }
        return problems;
    }

    /** Every run that exited 0 committed exactly the value and fence it printed; counts add up. */
    private static List<String> runProblems(CounterLog.Check check, List<CounterWorkload.Run> runs) {
        List<String> problems = new ArrayList<>();
        Map<Long, Long> committed = new HashMap<>();
        for (CounterLog.Line l : check.lines()) {
            if (l.kind().equals("commit")) {
                committed.put(l.value(), l.fence());
            }
        }
        long ok = 0;
        for (CounterWorkload.Run r : runs) {
            if (r.exitCode() == 0) {
                ok++;
                Long fence = committed.get(r.value());
                if (fence == null || fence != r.fence()) {
                    problems.add("run on host " + r.host() + " exited 0 with value " + r.value() + " fence " + r.fence()
                            + " but the log has " + (fence == null ? "no such value" : "fence " + fence));
                }
            }
        }
        // Every run that exited 0 committed once. A run killed (137, 143) or told its lease was lost (3) may have
        // committed just before: SIGKILL of a host can land between the child's commit and the wrapper's exit (seed
        // 14226371: 103 commits, 102 runs exited 0, two killed). The old bound, successful runs plus interrupted
        // sections, counted the wrong thing: an interrupted section never commits. (The log's own checks above
        // catch a value skipped or repeated.)
        long stoppedRuns = runs.stream().filter(r -> r.exitCode() == 3 || r.exitCode() == 137 || r.exitCode() == 143)
                .count();
        if (check.commits() < ok || check.commits() > ok + stoppedRuns) {
            problems.add(check.commits() + " commits for " + ok + " successful runs, " + check.interrupted()
                    + " interrupted sections and " + stoppedRuns + " runs stopped by a signal or a lost lease: an "
                    + "increment was lost or invented");
        }
        return problems;
    }

    /** Appends a result to {@code target/chaos-report.txt} for the record. */
    static void record(String title, Result r) throws IOException {
        Path report = Path.of(System.getProperty("basedir", "."), "target", "chaos-report.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "== " + title + "\n" + r.summary() + "\n" + r.narrative() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
