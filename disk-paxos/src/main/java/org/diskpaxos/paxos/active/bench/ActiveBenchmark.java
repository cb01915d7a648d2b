package org.diskpaxos.paxos.active.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ActiveOptions;
import org.diskpaxos.paxos.active.ActiveResource;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;
import org.diskpaxos.paxos.bench.Latencies;

/**
 * Decision latency and throughput of Active Disk Paxos against running agents, next to the floor measured in the
 * same run: a loopback TCP round trip and one 512-byte write + fdatasync in {@code dir} (where the agents' devices
 * should be). Each client is a process of its own ({@link ProcessId}, {@link ActiveResource}) deciding instance
 * after instance of its own resource ({@code bench-<k>}) with {@link Consensus}: after its first read fences the
 * resource, a decision is one rrWrite round (the fast path). Clients share a few event loops and, per group of
 * {@value #CLIENTS_PER_CONNECTION}, one connection to each agent. A client waits {@code thinkNs} between decisions
 * (0: back to back, a throughput run); with a think time, the clients' first proposals are spread over one think
 * time. Above {@value #CLIENTS_PER_CONNECTION} clients, requests get 5 s and operations 20 s instead of the LAN
 * defaults: a closed loop of thousands of clients queues at the agents for longer than half a second.
 */
public final class ActiveBenchmark {
    static final int CLIENTS_PER_CONNECTION = 200;
    static final int LOOPS = 2;
    static final int FLOOR_SAMPLES = 2000;

    /** @param agents the agents, in a fixed order; every client uses all of them */
    public record Config(List<InetSocketAddress> agents, Path keyFile, Path dir, long durationNs, long warmupNs,
                         int clients, long thinkNs) {
        public Config {
            agents = List.copyOf(agents);
            if (agents.isEmpty() || agents.size() > 15) {
                throw new IllegalArgumentException("need 1 to 15 agents, got " + agents.size());
            }
            if (clients < 1 || clients > 100_000) {
                throw new IllegalArgumentException("clients must be 1 to 100000, got " + clients);
            }
            if (durationNs < 100_000_000L || warmupNs < 0 || thinkNs < 0) {
                throw new IllegalArgumentException("duration at least 100 ms, warm-up and think time not negative");
            }
        }
    }

    /** What a run measured; latencies in nanoseconds. */
    public record Report(int agents, int clients, long thinkNs, long loopbackRttNs, long fdatasyncNs,
                         Latencies decisions, double decisionsPerSecond, long superseded, long failed,
                         long fenceReads, long networkReads, long writes, String machine) {
        /** The floor of one decision on the fast path: one loopback round trip and one fdatasync. */
        public long floorNs() {
            return loopbackRttNs + fdatasyncNs;
        }
    }

    private ActiveBenchmark() {
    }

    public static Report run(Config config, PrintStream progress) throws Exception {
        say(progress, "loopback TCP round trip ...");
        long rtt = loopbackRttNs();
        say(progress, "512 B write + fdatasync in " + config.dir() + " ...");
        long sync = fdatasyncNs(config.dir());
        say(progress, config.clients() + " clients deciding for " + config.durationNs() / 1_000_000 + " ms after "
                + config.warmupNs() / 1_000_000 + " ms of warm-up ...");
        AgentKey key = AgentKey.load(config.keyFile());
        List<ThreadedEventLoop> loops = new ArrayList<>();
        for (int i = 0; i < Math.min(LOOPS, config.clients()); i++) {
            loops.add(new ThreadedEventLoop("bench-" + i));
        }
        List<Client> clients = new ArrayList<>();
        try (AgentTransport transport = AgentTransport.start("active-bench")) {
            int groups = (config.clients() + CLIENTS_PER_CONNECTION - 1) / CLIENTS_PER_CONNECTION;
            // Thousands of clients in a closed loop queue at the agents for longer than the LAN defaults allow:
            // a timed-out request is sent again and adds to the queue. Give requests as long as the queue takes.
            ActiveOptions options = config.clients() <= CLIENTS_PER_CONNECTION ? ActiveOptions.defaults()
                    : new ActiveOptions(5_000_000_000L, 20_000_000_000L, 50_000_000L, true);
            long startNs = System.nanoTime();
            long measureFromNs = startNs + config.warmupNs();
            long endNs = measureFromNs + config.durationNs();
            CountDownLatch started = new CountDownLatch(config.clients());
            for (int g = 0; g < groups; g++) {
                ThreadedEventLoop loop = loops.get(g % loops.size());
                List<AgentConnection> agents = new ArrayList<>();
                for (InetSocketAddress a : config.agents()) {
                    agents.add(transport.connect(a, key, loop, AgentClientOptions.defaults("active-bench-" + g)
                            .withInFlightMax(4 * CLIENTS_PER_CONNECTION)));
                }
                Consensus<ActiveValue> consensus = new Consensus<>(loop, RandomSource.seeded(g), 1_000_000L, 8);
                int first = g * CLIENTS_PER_CONNECTION;
                int last = Math.min(config.clients(), first + CLIENTS_PER_CONNECTION);
                for (int c = first; c < last; c++) {
                    Client client = new Client(loop, consensus, new ActiveResource("bench-" + c, agents,
                            ProcessId.random(), options), config.thinkNs(), measureFromNs, endNs);
                    clients.add(client);
                    // With a think time, clients start spread over one think time, not all at once.
                    long delayNs = config.thinkNs() == 0 ? 0 : (long) (Math.random() * config.thinkNs());
                    loop.schedule(Math.max(1, delayNs), () -> client.propose(0));
                    started.countDown();
                }
            }
            started.await();
            long waitNs = endNs - System.nanoTime();
            if (waitNs > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNs);
            }
            // Let the decisions in flight finish (or time out) before closing the connections.
            CountDownLatch stopped = new CountDownLatch(clients.size());
            for (Client c : clients) {
                c.loop.execute(() -> c.onStopped(stopped));
            }
            stopped.await(10, TimeUnit.SECONDS);
            long n = 0;
            for (Client c : clients) {
                n += c.count;
            }
            long[] all = new long[(int) Math.min(n, Integer.MAX_VALUE - 8)];
            int k = 0;
            long superseded = 0;
            long failed = 0;
            long fence = 0;
            long net = 0;
            long writes = 0;
            for (Client c : clients) {
                for (int i = 0; i < c.count && k < all.length; i++) {
                    all[k++] = c.samples[i];
                }
                superseded += c.superseded;
                failed += c.failed;
                ActiveResource.Stats s = c.resource.stats();
                fence += s.fenceReads();
                net += s.networkReads();
                writes += s.writes();
            }
            Latencies lat = k == 0 ? new Latencies(0, 0, 0, 0, 0) : Latencies.of(Arrays.copyOf(all, k));
            return new Report(config.agents().size(), config.clients(), config.thinkNs(), rtt, sync, lat,
                    k / (config.durationNs() / 1e9), superseded, failed, fence, net, writes, machine());
        } finally {
            for (ThreadedEventLoop l : loops) {
                l.close();
            }
        }
    }

    /** One client process: decides instance after instance of its resource, on its loop. */
    private static final class Client {
        final ThreadedEventLoop loop;
        final Consensus<ActiveValue> consensus;
        final ActiveResource resource;
        final long thinkNs;
        final long measureFromNs;
        final long endNs;
        long[] samples = new long[64];
        int count;
        long superseded;
        long failed;
        boolean busy;
        CountDownLatch stopped;

        Client(ThreadedEventLoop loop, Consensus<ActiveValue> consensus, ActiveResource resource, long thinkNs,
               long measureFromNs, long endNs) {
            this.loop = loop;
            this.consensus = consensus;
            this.resource = resource;
            this.thinkNs = thinkNs;
            this.measureFromNs = measureFromNs;
            this.endNs = endNs;
        }

        void propose(long instance) {
            long t0 = System.nanoTime();
            if (t0 >= endNs) {
                finish();
                return;
            }
            busy = true;
            consensus.propose(resource.register(instance), resource.nextRank(), ActiveValue.ofLongs(instance, t0),
                    decision -> {
                        long t1 = System.nanoTime();
                        busy = false;
                        if (decision instanceof Consensus.Decision.Decided<ActiveValue>) {
                            if (t0 >= measureFromNs && t1 <= endNs) {
                                record(t1 - t0);
                            }
                            next(instance + 1);
                        } else if (decision instanceof Consensus.Decision.Superseded<ActiveValue> s) {
                            superseded++;
                            // A resource left by an earlier run: jump to where it is.
                            next(Math.max(instance + 1, s.instanceSeen()));
                        } else {
                            failed++;
                            next(instance);
                        }
                    });
        }

        private void next(long instance) {
            if (thinkNs == 0) {
                loop.execute(() -> propose(instance));
            } else {
                loop.schedule(thinkNs, () -> propose(instance));
            }
        }

        private void record(long ns) {
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[count++] = ns;
        }

        void onStopped(CountDownLatch latch) {
            stopped = latch;
            if (!busy) {
                finish();
            }
        }

        private void finish() {
            if (stopped != null && !busy) {
                CountDownLatch l = stopped;
                stopped = null;
                l.countDown();
            }
        }
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
        }
    }

    /** Median of {@value #FLOOR_SAMPLES} 64-byte round trips over a loopback TCP connection. */
    static long loopbackRttNs() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    byte[] b = new byte[64];
                    while (in.readNBytes(b, 0, 64) == 64) {
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the client closed
                }
            }, "bench-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.setTcpNoDelay(true);
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                byte[] b = new byte[64];
                long[] ns = new long[FLOOR_SAMPLES];
                for (int i = -200; i < FLOOR_SAMPLES; i++) {
                    long t0 = System.nanoTime();
                    out.write(b);
                    out.flush();
                    in.readNBytes(b, 0, 64);
                    if (i >= 0) {
                        ns[i] = System.nanoTime() - t0;
                    }
                }
                return Latencies.of(ns).p50Ns();
            }
        }
    }

    /** Median of 200 512-byte writes at one offset, each followed by fdatasync, on a file in {@code dir}. */
    static long fdatasyncNs(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = Files.createTempFile(dir, "active-bench-", ".sync");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(512);
            long[] ns = new long[200];
            for (int i = -20; i < ns.length; i++) {
                b.clear();
                b.putLong(0, i);
                long t0 = System.nanoTime();
                ch.write(b, 0);
                ch.force(false);
                if (i >= 0) {
                    ns[i] = System.nanoTime() - t0;
                }
            }
            return Latencies.of(ns).p50Ns();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version");
    }

    public static String formatText(Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "active disk paxos, %d agents, %d clients, think %d ms (%s)%n", r.agents(),
                r.clients(), r.thinkNs() / 1_000_000, r.machine()));
        b.append(String.format(Locale.ROOT, "  floor: loopback round trip %.1f µs + fdatasync %.1f µs = %.1f µs%n",
                r.loopbackRttNs() / 1e3, r.fdatasyncNs() / 1e3, r.floorNs() / 1e3));
        Latencies l = r.decisions();
        b.append(String.format(Locale.ROOT, "  decisions: %d, p50 %.1f µs (%.2fx floor), p90 %.1f µs, p99 %.1f µs, "
                + "%.0f decisions/s%n", l.count(), l.p50Ns() / 1e3, l.p50Ns() / (double) Math.max(1, r.floorNs()),
                l.p90Ns() / 1e3, l.p99Ns() / 1e3, r.decisionsPerSecond()));
        b.append(String.format(Locale.ROOT, "  reads answered by a fence %d, sent to agents %d; writes %d; superseded "
                + "%d, failed %d%n", r.fenceReads(), r.networkReads(), r.writes(), r.superseded(), r.failed()));
        return b.toString();
    }

    public static String formatJson(Report r) {
        Latencies l = r.decisions();
        return String.format(Locale.ROOT, "{\"mode\":\"active\",\"agents\":%d,\"clients\":%d,\"think_ns\":%d,"
                + "\"loopback_rtt_ns\":%d,\"fdatasync_ns\":%d,\"floor_ns\":%d,\"decisions\":%d,\"p50_ns\":%d,"
                + "\"p90_ns\":%d,\"p99_ns\":%d,\"decisions_per_second\":%.1f,\"fence_reads\":%d,\"network_reads\":%d,"
                + "\"writes\":%d,\"superseded\":%d,\"failed\":%d,\"machine\":\"%s\"}", r.agents(), r.clients(),
                r.thinkNs(), r.loopbackRttNs(), r.fdatasyncNs(), r.floorNs(), l.count(), l.p50Ns(), l.p90Ns(),
                l.p99Ns(), r.decisionsPerSecond(), r.fenceReads(), r.networkReads(), r.writes(), r.superseded(),
                r.failed(), r.machine().replace("\"", "'"));
    }
}
