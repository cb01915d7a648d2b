package org.diskpaxos.blockdev.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.loop.LoopDevice;

/**
 * Measures sector I/O latency per backend and target, next to dd doing the same transfers.
 *
 * <p>Method: for each (target, backend, op) the transfers run in {@code rounds} rounds of {@code iterations/rounds}
 * sequential transfers from offset 0. Every transfer is timed on its own (p50/p90/p99). Right after each of our
 * rounds, dd makes the same transfers on the same target ({@code oflag=direct,dsync} or {@code iflag=direct}, same
 * block size, count and offsets), and its own reported copy time divided by the count is that round's dd figure.
 * The comparison uses the same construction on both sides: the median over rounds of (round time / transfers).
 * Interleaving the rounds exposes both to the same background noise of a shared machine.
 *
 * <p>Limits: iterations 10..1,000,000, rounds 1..100, at most 48 one-MiB reads per round; the files are 64 MiB
 * in a fresh directory under the one given, deleted afterwards, and the loop device is detached even on failure.
 */
public final class IoBenchmark {
    static final long TARGET_SIZE_BYTES = 64L << 20;
    static final int MAX_1M_READS_PER_ROUND = 48;

    /**
     * @param dir        where the work files go; must be on the disk to measure (not a tmpfs)
     * @param iterations transfers per (target, backend, op)
     * @param rounds     rounds the transfers are split into, each followed by one dd run
     * @param useLoop    also measure a loop device (needs root)
     * @param useDd      run dd alongside
     */
    public record Config(Path dir, int iterations, int rounds, boolean useLoop, boolean useDd) {
        public Config {
            if (iterations < 10 || iterations > 1_000_000) {
                throw new IllegalArgumentException("iterations must be 10 to 1000000, got " + iterations);
            }
            if (rounds < 1 || rounds > 100 || rounds > iterations) {
                throw new IllegalArgumentException("rounds must be 1 to 100 and at most the iterations, got " + rounds);
            }
        }
    }

    /** What was measured, where, and what was left out. */
    public record Report(String date, int cpus, String kernel, String disk, String dir, List<Result> results,
                         List<String> notes) {
    }

    private final Config config;
    private final PrintStream progress;
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean ddAvailable;

    private IoBenchmark(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    public static Report run(Config config, PrintStream progress) throws IOException {
        return new IoBenchmark(config, progress).runAll();
    }

    private Report runAll() throws IOException {
        Files.createDirectories(config.dir());
        String ddReason = config.useDd() ? Dd.unavailableReason() : "dd comparison switched off";
        ddAvailable = ddReason == null;
        if (!ddAvailable) {
            notes.add("no dd comparison: " + ddReason);
        }
        Path work = Files.createTempDirectory(config.dir(), "bench-io-");
        try {
            Path file = work.resolve("file.img");
            BlockDevices.open(file, BlockDeviceOptions.direct().withCreateSize(TARGET_SIZE_BYTES)).close();
            measureDirect("file", file);
            try (BlockDevice mapped = BlockDevices.open(file, BlockDeviceOptions.mapped().withSectorSize(512))) {
                for (Op op : Op.values()) {
                    measure("file", "mapped", mapped, null, op);
                }
            }
            try (BlockDevice memory = BlockDevices.memory("memory", TARGET_SIZE_BYTES, 512)) {
                for (Op op : Op.values()) {
                    measure("memory", "memory", memory, null, op);
                }
            }
            if (!config.useLoop()) {
                notes.add("loop device not measured: switched off (--no-loop)");
            } else {
                String reason = LoopDevice.unavailableReason();
                if (reason != null) {
                    notes.add("loop device not measured: " + reason + "; file only");
                } else {
                    Path backing = work.resolve("loop.img");
                    BlockDevices.open(backing, BlockDeviceOptions.direct().withCreateSize(TARGET_SIZE_BYTES)).close();
                    try (LoopDevice loop = LoopDevice.attach(backing, 512, false)) {
                        measureDirect("loop", loop.device());
                    }
                }
            }
        } finally {
            deleteTree(work);
        }
        return new Report(Instant.now().toString(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), diskOf(config.dir()),
                config.dir().toAbsolutePath().toString(), List.copyOf(results), List.copyOf(notes));
    }

    private void measureDirect(String target, Path path) throws IOException {
        BlockDevice dev;
        try {
            dev = BlockDevices.open(path, BlockDeviceOptions.direct().withSectorSize(512));
        } catch (IOException e) {
            notes.add(target + ": 512-byte direct I/O impossible (" + e.getMessage() + "); measured at 4096");
            dev = BlockDevices.open(path, BlockDeviceOptions.direct().withSectorSize(4096));
        }
        try (BlockDevice d = dev) {
            for (Op op : Op.values()) {
                if (op.sizeBytes % d.logicalSectorSizeBytes() != 0) {
                    results.add(new Result(target, "direct", op, 0, 0, 0, 0, 0, -1, "sector size "
                            + d.logicalSectorSizeBytes()));
                    continue;
                }
                measure(target, "direct", d, ddAvailable ? path : null, op);
            }
        }
    }

    private void measure(String target, String backend, BlockDevice dev, Path ddTarget, Op op) throws IOException {
        int perRound = Math.max(1, config.iterations() / config.rounds());
        if (op == Op.READ_1M) {
            perRound = Math.min(perRound, MAX_1M_READS_PER_ROUND);
        }
        boolean syncEachWrite = op.write && !dev.isShareableAcrossHosts() && backend.equals("mapped");
        ByteBuffer buf = dev.allocateBuffer(op.sizeBytes);
        for (int i = 0; i < op.sizeBytes; i++) {
            buf.put(i, (byte) (i * 31 + 1));
        }
        long span = dev.sizeBytes() - dev.sizeBytes() % op.sizeBytes;
        // Warm-up: JIT and caches, not measured.
        for (int i = 0; i < Math.min(20, perRound); i++) {
            transfer(dev, op, buf, ((long) i * op.sizeBytes) % span, syncEachWrite);
        }
        long[] latencies = new long[config.rounds() * perRound];
        long[] batch = new long[config.rounds()];
        long[] ddBatch = new long[ddTarget == null ? 0 : config.rounds()];
        int k = 0;
        for (int r = 0; r < config.rounds(); r++) {
            long roundStart = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                long t0 = System.nanoTime();
                transfer(dev, op, buf, ((long) i * op.sizeBytes) % span, syncEachWrite);
                latencies[k++] = System.nanoTime() - t0;
            }
            batch[r] = (System.nanoTime() - roundStart) / perRound;
            if (ddTarget != null) {
                double seconds = Dd.run(ddTarget, op, perRound, 0);
                ddBatch[r] = Math.round(seconds * 1e9 / perRound);
            }
        }
        Arrays.sort(latencies);
        Result res = new Result(target, backend, op, latencies.length, percentile(latencies, 0.50),
                percentile(latencies, 0.90), percentile(latencies, 0.99), median(batch),
                ddTarget == null ? -1 : median(ddBatch), "");
        results.add(res);
        if (progress != null) {
            progress.printf(Locale.ROOT, "  measured %-6s %-6s %-22s p50 %s%n", target, backend, op.label(),
                    micros(res.p50Ns()));
        }
    }

    private static void transfer(BlockDevice dev, Op op, ByteBuffer buf, long offset, boolean sync)
            throws IOException {
        buf.clear();
        if (op.write) {
            dev.write(offset, buf);
            if (sync) {
                dev.sync();
            }
        } else {
            dev.read(offset, buf);
        }
    }

    static long percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String micros(long ns) {
        return String.format(Locale.ROOT, "%.1f µs", ns / 1000.0);
    }

    private static String diskOf(Path dir) {
        try {
            Process p = new ProcessBuilder("df", "-P", "-T", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "unknown";
            }
            String[] lines = out.trim().split("\n");
            String[] f = lines[lines.length - 1].trim().split("\\s+");
            return f[0] + " (" + f[1] + ")";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The report as a table for people. */
    public static String formatText(Report report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Block device I/O benchmark, %s%n", report.date()));
        b.append(String.format(Locale.ROOT, "machine: %d CPUs, %s, files on %s in %s%n", report.cpus(),
                report.kernel(), report.disk(), report.dir()));
        b.append(String.format(Locale.ROOT, "%-7s %-7s %-22s %7s %10s %10s %10s %12s %12s %7s%n", "target", "backend",
                "op", "n", "p50", "p90", "p99", "round mean", "dd mean", "ratio"));
        for (Result r : report.results()) {
            if (r.count() == 0) {
                b.append(String.format(Locale.ROOT, "%-7s %-7s %-22s not measured: %s%n", r.target(), r.backend(),
                        r.op().label(), r.note()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-7s %-7s %-22s %7d %10s %10s %10s %12s %12s %7s%n", r.target(),
                    r.backend(), r.op().label(), r.count(), micros(r.p50Ns()), micros(r.p90Ns()), micros(r.p99Ns()),
                    micros(r.batchMeanNs()), r.ddBatchMeanNs() < 0 ? "-" : micros(r.ddBatchMeanNs()),
                    Double.isNaN(r.ratioToDd()) ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratioToDd())));
        }
        b.append("round mean / dd mean: median over rounds of (round time / transfers); dd's own copy time, "
                + "measured right after each of our rounds on the same target.\n");
        b.append("direct writes are O_DIRECT+O_DSYNC pwrites; mapped writes are a copy into the mapping plus msync; "
                + "memory writes are a copy (nothing is durable).\n");
        for (String n : report.notes()) {
            b.append("note: ").append(n).append('\n');
        }
        return b.toString();
    }

    /** The report as one JSON object. */
    public static String formatJson(Report report) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"date\":").append(q(report.date())).append(",\"cpus\":").append(report.cpus())
                .append(",\"kernel\":").append(q(report.kernel())).append(",\"disk\":").append(q(report.disk()))
                .append(",\"dir\":").append(q(report.dir())).append(",\"results\":[");
        for (int i = 0; i < report.results().size(); i++) {
            Result r = report.results().get(i);
            b.append(i == 0 ? "" : ",").append("{\"target\":").append(q(r.target())).append(",\"backend\":")
                    .append(q(r.backend())).append(",\"op\":").append(q(r.op().name())).append(",\"sizeBytes\":")
                    .append(r.op().sizeBytes).append(",\"count\":").append(r.count()).append(",\"p50Ns\":")
                    .append(r.p50Ns()).append(",\"p90Ns\":").append(r.p90Ns()).append(",\"p99Ns\":").append(r.p99Ns())
                    .append(",\"roundMeanNs\":").append(r.batchMeanNs()).append(",\"ddRoundMeanNs\":")
                    .append(r.ddBatchMeanNs()).append(",\"ratioToDd\":")
                    .append(Double.isNaN(r.ratioToDd()) ? "null" : String.format(Locale.ROOT, "%.3f", r.ratioToDd()))
                    .append(",\"note\":").append(q(r.note())).append('}');
        }
        b.append("],\"notes\":[");
        for (int i = 0; i < report.notes().size(); i++) {
            b.append(i == 0 ? "" : ",").append(q(report.notes().get(i)));
        }
        return b.append("]}").toString();
    }

    private static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
