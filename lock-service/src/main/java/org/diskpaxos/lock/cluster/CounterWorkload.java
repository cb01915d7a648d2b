package org.diskpaxos.lock.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Clients that increment a shared counter under one lock, as real processes: on every host, {@code workers} threads
 * each run {@code dplock run LOCKSPACE/RESOURCE --socket HOST_SOCKET -- bash increment.sh ...} again and again. The
 * script ({@link #SCRIPT}) reads the counter's log, checks its fencing token against the last committed one (as
 * storage that honours tokens would), optionally holds the lock a while, and appends the new value with its token;
 * {@link CounterLog} checks the result. Every run's exit code and printed value are kept ({@link Run}).
 */
public final class CounterWorkload implements AutoCloseable {

    /** The increment, run by {@code dplock run} with the lease held ({@code DPLOCK_FENCE} set). */
    public static final String SCRIPT = """
            #!/usr/bin/env bash
            # One increment of the shared counter, run by `dplock run` while it holds the lease (DPLOCK_FENCE set).
            # The log is the truth: 'begin' when the critical section starts, 'commit N FENCE ...' when it ends, each
            # appended by one write of a bash builtin, so a SIGKILL leaves no half-written step behind.
            log=$1; counter=$2; host=$3; hold=$4
            start=$EPOCHREALTIME
            echo "begin $DPLOCK_FENCE $host $start $$" >> "$log"
            n=0; f=0
            while read -r kind a b _; do
                if [[ $kind == commit ]]; then n=$a; f=$b; fi
            done < "$log"
            if (( DPLOCK_FENCE <= f )); then
                # What storage that checks fencing tokens does with a stale holder: refuse the write.
                echo "reject $DPLOCK_FENCE $host $EPOCHREALTIME stale-token-after-$f" >> "$log"
                exit 9
            fi
            if [[ $hold != 0 ]]; then sleep "$hold"; fi
            n=$((n + 1))
            echo "commit $n $DPLOCK_FENCE $host $start $EPOCHREALTIME" >> "$log"
            echo "$n $DPLOCK_FENCE" > "$counter.$$" && mv -f "$counter.$$" "$counter"
            echo "$n $DPLOCK_FENCE"
            """;

    /**
     * One {@code dplock run}: where, its exit code (0 the increment committed; 1 not acquired in time; 3 lease lost;
     * 69 no daemon; 137 killed with its host), and the value and fence it printed (-1 if none).
     */
    public record Run(int host, int exitCode, long value, long fence, long startMs, long endMs) {
    }

    private final LocalCluster cluster;
    private final String resource;
    private final Path script;
    private final Path log;
    private final Path counter;
    private final Path clientLog;
    private final int workersPerHost;
    private final Duration hold;
    private final Duration acquireTimeout;
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param resource       the resource (in the cluster's lockspace) guarding the counter
     * @param workersPerHost concurrent clients per host, 1..8
     * @param hold           how long each critical section holds the lock after reading the counter
     * @param acquireTimeout each run's {@code --timeout}
     */
    public CounterWorkload(LocalCluster cluster, String resource, int workersPerHost, Duration hold,
                           Duration acquireTimeout) throws IOException {
        if (workersPerHost < 1 || workersPerHost > 8) {
            throw new IllegalArgumentException("workers per host must be 1..8, got " + workersPerHost);
        }
        this.cluster = cluster;
        this.resource = resource;
        this.workersPerHost = workersPerHost;
        this.hold = hold;
        this.acquireTimeout = acquireTimeout;
        this.script = cluster.dir().resolve("increment.sh");
        this.log = cluster.dir().resolve(resource + ".log");
        this.counter = cluster.dir().resolve(resource + ".counter");
        this.clientLog = cluster.dir().resolve("clients.log");
        Files.writeString(script, SCRIPT);
        Files.writeString(log, "");
        Files.writeString(counter, "0 0\n");
    }

    public Path log() {
        return log;
    }

    public Path counterFile() {
        return counter;
    }

    /** Starts the workers on every host the cluster has (a host that is down is skipped until it is up again). */
    public void start() {
        running = true;
        for (LocalCluster.Host h : cluster.hosts()) {
            for (int w = 0; w < workersPerHost; w++) {
                Thread t = new Thread(() -> work(h.hostId), "counter-h" + h.hostId + "-w" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }
    }

    private void work(int hostId) {
        String holdSeconds = String.format(Locale.ROOT, "%.3f", hold.toNanos() / 1e9);
        while (running) {
            LocalCluster.Host h = cluster.host(hostId);
            if (!h.ready()) {
                sleep(20);
                continue;
            }
            long t0 = System.currentTimeMillis();
            Process p;
            try {
                p = cluster.startClient(hostId, List.of("run", cluster.lockspace() + "/" + resource, "--socket",
                        h.socket.toString(), "--timeout", acquireTimeout.toMillis() + "ms", "--", "bash",
                        script.toString(), log.toString(), counter.toString(), String.valueOf(hostId), holdSeconds),
                        clientLog);
            } catch (IOException e) {
                sleep(100);
                continue;
            }
            if (p == null) {
                continue;
            }
            long value = -1;
            long fence = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 2) {
                        try {
                            value = Long.parseLong(f[0]);
                            fence = Long.parseLong(f[1]);
                        } catch (NumberFormatException ignored) {
                            // not the script's line
                        }
                    }
                }
                int code = p.waitFor();
                runs.add(new Run(hostId, code, value, fence, t0, System.currentTimeMillis()));
                if (code == 69 || code == 70) {
                    sleep(100); // daemon not there (yet) or not serving: do not spin
                }
            } catch (IOException e) {
                runs.add(new Run(hostId, -1, value, fence, t0, System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops starting runs and waits up to {@code drain} for the runs in flight to end. */
    public void stop(Duration drain) throws InterruptedException {
        running = false;
        long deadline = System.nanoTime() + drain.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    public List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The log's lines now. */
    public List<String> logLines() throws IOException {
        return Files.readAllLines(log);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(5));
    }
}
