package org.diskpaxos.activedisk.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.server.AgentDevice;
import org.diskpaxos.activedisk.server.AgentServer;
import org.diskpaxos.activedisk.server.FileAgentStorage;
import org.diskpaxos.activedisk.server.ServerLimits;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;

/**
 * Measures, in one run: (1) a loopback TCP round trip of a 64-byte message between two plain blocking sockets;
 * (2) one 512-byte pwrite + fdatasync on a file in the benchmark directory, through the agent's own storage code;
 * (3) the agent's round trip for a request that needs no sync (rrRead at rank 0 of an existing register) through
 * {@link AgentClient}; (4) rrWrite latency (send to callback, on the client's loop) with 1 and with 64 concurrent
 * clients, each with its own connection and register, each always committing, against an agent with group commit
 * and one without. The agent runs in this JVM on a device file in the directory; clients and agent share the CPU.
 */
public final class AgentBenchmark {
    public static final int SAMPLES_MAX = 2_000_000;

    /** @param dir where the device and key go (must be on the disk to measure, not a tmpfs) */
    public record Config(Path dir, long measureMs, long warmupMs, List<Integer> clientCounts) {
        public Config {
            if (measureMs < 100 || measureMs > 600_000 || warmupMs < 0 || warmupMs > 600_000) {
                throw new IllegalArgumentException("measure 100 ms to 10 min, warm-up up to 10 min");
            }
            clientCounts = List.copyOf(clientCounts);
            for (int c : clientCounts) {
                if (c < 1 || c > 1024) {
                    throw new IllegalArgumentException("clients must be 1 to 1024, got " + c);
                }
            }
        }
    }

    /** One measured line: latency percentiles in microseconds and operations per second. */
    public record Row(String what, long count, double p50Us, double p99Us, double opsPerSecond, String note) {
    }

    public record Report(List<Row> rows, String machine) {
    }

    private AgentBenchmark() {
    }

    public static Report run(Config config, PrintStream progress) throws Exception {
        Files.createDirectories(config.dir());
        Path work = Files.createTempDirectory(config.dir().toAbsolutePath(), "agent-bench-");
        List<Row> rows = new ArrayList<>();
        try {
            say(progress, "loopback TCP round trip ...");
            rows.add(loopback(config));
            say(progress, "fdatasync on " + work + " ...");
            rows.add(fdatasync(config, work));
            AgentKey key = AgentKey.generate(work.resolve("key"));
            for (boolean group : new boolean[] {true, false}) {
                Path device = work.resolve(group ? "grouped.img" : "single.img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("bench", new AgentGeometry(512, 1024, 2,
                        0)), line -> { });
                try (AgentDevice d = AgentDevice.open(device, new CoreOptions(group, 65_536), line -> { });
                        AgentServer server = AgentServer.start(d, key, new InetSocketAddress("127.0.0.1", 0),
                                ServerLimits.defaults(), line -> { })) {
                    if (group) {
                        say(progress, "agent round trip without a sync ...");
                        rows.add(clients(config, server.address(), key, 1, false, d, "agent rrRead, no sync, 1 client"));
                    }
                    for (int n : config.clientCounts()) {
                        String label = "agent rrWrite, " + n + (n == 1 ? " client" : " clients") + ", group commit "
                                + (group ? "on" : "off");
                        say(progress, label + " ...");
                        rows.add(clients(config, server.address(), key, n, true, d, label));
                    }
                }
            }
        } finally {
            deleteTree(work);
        }
        return new Report(rows, machine());
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
        }
    }

    // ------------------------------------------------------------------ loopback and fdatasync

    private static Row loopback(Config config) throws Exception {
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
                    // client closed
                }
            }, "bench-echo");
            echo.setDaemon(true);
            echo.start();
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.setTcpNoDelay(true);
                byte[] b = new byte[64];
                Samples s = new Samples();
                timed(config, s, () -> {
                    c.getOutputStream().write(b);
                    c.getOutputStream().flush();
                    c.getInputStream().readNBytes(b, 0, 64);
                });
                return s.row("loopback TCP round trip, 64 B", config.measureMs(), "plain blocking sockets");
            }
        }
    }

    private static Row fdatasync(Config config, Path work) throws Exception {
        Path file = work.resolve("sync.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        try (FileAgentStorage storage = FileAgentStorage.open(file)) {
            byte[] sector = new byte[512];
            Samples s = new Samples();
            long[] n = {0};
            timed(config, s, () -> {
                sector[0] = (byte) n[0]++;
                storage.write(n[0] % 2048, 512, sector);
                storage.sync();
            });
            return s.row("512 B pwrite + fdatasync", config.measureMs(), "on the benchmark directory's disk");
        }
    }

    private interface Op {
        void run() throws Exception;
    }

    private static void timed(Config config, Samples s, Op op) throws Exception {
        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.warmupMs());
        while (System.nanoTime() - warmEnd < 0) {
            op.run();
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.measureMs());
        while (System.nanoTime() - end < 0 && s.count < SAMPLES_MAX) {
            long t = System.nanoTime();
            op.run();
            s.add(System.nanoTime() - t);
        }
    }

    // ------------------------------------------------------------------ agent clients

    private static Row clients(Config config, InetSocketAddress agent, AgentKey key, int n, boolean write,
            AgentDevice device, String label) throws Exception {
        int loops = Math.min(4, n);
        List<ThreadedEventLoop> loopList = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            loopList.add(new ThreadedEventLoop("bench-client-" + i));
        }
        Samples[] perLoop = new Samples[loops];
        for (int i = 0; i < loops; i++) {
            perLoop[i] = new Samples();
        }
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(n);
        long[] errors = new long[loops];
        try (AgentTransport transport = AgentTransport.start("bench-net")) {
            List<AgentClient> clients = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                ThreadedEventLoop loop = loopList.get(c % loops);
                AgentClient client = transport.connect(agent, key, loop, AgentClientOptions.defaults("bench-" + c));
                clients.add(client);
                String resource = (write ? "w-" : "r-") + c + "-" + label.hashCode();
                CountDownLatch ready = new CountDownLatch(1);
                loop.execute(() -> client.send(new AgentRequest.RrWrite(resource, 0, new AgentRank(1, 0, 1),
                        new byte[16]), TimeUnit.SECONDS.toNanos(10), r -> ready.countDown()));
                if (!ready.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("client " + c + " could not reach the agent at " + agent);
                }
                int loopIndex = c % loops;
                Samples samples = perLoop[loopIndex];
                long[] round = {1};
                Runnable[] next = new Runnable[1];
                next[0] = () -> {
                    if (stop.get()) {
                        stopped.countDown();
                        return;
                    }
                    AgentRequest req = write ? new AgentRequest.RrWrite(resource, 0, new AgentRank(++round[0], 0, 1),
                            new byte[16]) : new AgentRequest.RrRead(resource, 0, AgentRank.ZERO);
                    long t = System.nanoTime();
                    client.send(req, TimeUnit.SECONDS.toNanos(10), r -> {
                        long dt = System.nanoTime() - t;
                        boolean ok = write ? r instanceof AgentReply.RrWriteResult w
                                && w.outcome() == AgentReply.WriteOutcome.COMMITTED
                                : r instanceof AgentReply.RrReadResult;
                        if (!ok) {
                            errors[loopIndex]++;
                        } else if (measuring.get()) {
                            samples.add(dt);
                        }
                        next[0].run();
                    });
                };
                loop.execute(next[0]);
            }
            Thread.sleep(config.warmupMs());
            long syncsBefore = device.storage().syncCount();
            measuring.set(true);
            long start = System.nanoTime();
            Thread.sleep(config.measureMs());
            measuring.set(false);
            long elapsedNs = System.nanoTime() - start;
            long syncs = device.storage().syncCount() - syncsBefore;
            stop.set(true);
            stopped.await(30, TimeUnit.SECONDS);
            for (int c = 0; c < n; c++) {
                AgentClient client = clients.get(c);
                loopList.get(c % loops).execute(client::close);
            }
            Samples all = new Samples();
            long errorCount = 0;
            for (int i = 0; i < loops; i++) {
                CountDownLatch drained = new CountDownLatch(1);
                loopList.get(i).execute(drained::countDown);
                drained.await(10, TimeUnit.SECONDS);
                all.addAll(perLoop[i]);
                errorCount += errors[i];
            }
            String note = write ? String.format(Locale.ROOT, "%.2f writes per fdatasync", all.count / (double) Math.max(1,
                    syncs)) : "no device I/O";
            if (errorCount > 0) {
                note += "; " + errorCount + " failed requests";
            }
            return all.row(label, TimeUnit.NANOSECONDS.toMillis(elapsedNs), note);
        } finally {
            for (ThreadedEventLoop l : loopList) {
                l.close();
            }
        }
    }

    // ------------------------------------------------------------------ samples and output

    private static final class Samples {
        long[] ns = new long[1024];
        int count;

        void add(long v) {
            if (count == SAMPLES_MAX) {
                return;
            }
            if (count == ns.length) {
                ns = Arrays.copyOf(ns, Math.min(SAMPLES_MAX, ns.length * 2));
            }
            ns[count++] = v;
        }

        void addAll(Samples o) {
            for (int i = 0; i < o.count; i++) {
                add(o.ns[i]);
            }
        }

        Row row(String what, long elapsedMs, String note) {
            long[] sorted = Arrays.copyOf(ns, count);
            Arrays.sort(sorted);
            return new Row(what, count, percentileUs(sorted, 0.50), percentileUs(sorted, 0.99),
                    count / (Math.max(1, elapsedMs) / 1000.0), note);
        }

        private static double percentileUs(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1000.0;
        }
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version");
    }

    public static String formatText(Report r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-50s %9s %10s %10s %10s  %s%n", "what", "n",
                "p50", "p99", "ops/s", "note"));
        for (Row row : r.rows()) {
            b.append(String.format(Locale.ROOT, "%-50s %9d %7.1f µs %7.1f µs %10.0f  %s%n", row.what(), row.count(),
                    row.p50Us(), row.p99Us(), row.opsPerSecond(), row.note()));
        }
        b.append("machine: ").append(r.machine()).append('\n');
        return b.toString();
    }

    public static String formatJson(Report r) {
        StringBuilder b = new StringBuilder("{\"machine\":\"").append(r.machine()).append("\",\"rows\":[");
        for (int i = 0; i < r.rows().size(); i++) {
            Row row = r.rows().get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"what\":\"%s\",\"n\":%d,\"p50_us\":%.1f,"
                    + "\"p99_us\":%.1f,\"ops_per_s\":%.0f,\"note\":\"%s\"}", row.what(), row.count(), row.p50Us(),
                    row.p99Us(), row.opsPerSecond(), row.note()));
        }
        return b.append("]}").toString();
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leave it
        }
    }
}
