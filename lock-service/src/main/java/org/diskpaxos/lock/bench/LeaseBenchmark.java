package org.diskpaxos.lock.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.LeaseTimeouts;

/**
 * Acquire and release latency and acquire+release cycles per second through the {@link LeaseClient} API, for each
 * layout, in two workloads:
 * <ul>
 *   <li><b>serial</b>: one thread, one resource: acquire, release, again;</li>
 *   <li><b>parallel</b>: {@code threads} threads, each on its own resource, all in the same process and lockspace
 *       (one host), so they share the host's disks, event loop and (with group commit) flushes.</li>
 * </ul>
 * Each thread times every {@code acquire} and every {@code release} call on its own ({@link System#nanoTime()}
 * around the blocking call, as an application sees it). Cycles per second are the cycles of all threads over the
 * wall time from the common start to the last thread's end.
 *
 * <p>Side by side: every layout's lockspace is set up and joined first; then the measurement runs in
 * {@code rounds} rounds, each giving every (layout, workload) an equal slice, in the same order, so background noise
 * on a shared machine hits all of them alike. Latency percentiles pool the samples of all rounds; cycles per second
 * are the <em>median</em> over rounds. Each (layout, workload) is warmed up (JIT, caches) before its first round
 * and the warm-up is not measured.
 *
 * <p>For reference, each layout also gets an <b>io floor</b> row when the mode offers one
 * ({@link BenchMode.Setup#ioFloor}): the reads and writes of one serial cycle issued directly, in the same rounds.
 *
 * <p>Every release must report {@link ReleaseResult#RELEASED}; anything else is counted as an error and reported,
 * and makes the run fail.
 */
public final class LeaseBenchmark {

    /**
     * @param dir          where the work directory (and the disk files) go; removed afterwards
     * @param mode         where the leases live
     * @param layouts      what to measure
     * @param threads      threads of the parallel workload, one resource each; 0 = no parallel workload
     * @param measureNs    measuring time per (layout, workload), split over the rounds; ignored with iterations
     * @param iterations   if &gt; 0: cycles per thread per round instead of a time
     * @param warmupNs     warm-up per (layout, workload) before the first round
     * @param rounds       rounds
     * @param timeouts     the timeout profile the lockspaces use (only joining depends on it)
     */
    public record Config(Path dir, BenchMode mode, List<BenchLayout> layouts, int threads, long measureNs,
                         int iterations, long warmupNs, int rounds, LeaseTimeouts timeouts) {
        public Config {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(mode, "mode");
            layouts = List.copyOf(layouts);
            if (layouts.isEmpty()) {
                throw new IllegalArgumentException("no layout to measure");
            }
            if (threads < 0 || threads > 64) {
                throw new IllegalArgumentException("threads must be 0 to 64, got " + threads);
            }
            if (rounds < 1 || rounds > 100) {
                throw new IllegalArgumentException("rounds must be 1 to 100, got " + rounds);
            }
            if (iterations < 0 || iterations > 10_000_000) {
                throw new IllegalArgumentException("iterations must be 0 to 10000000, got " + iterations);
            }
            if (iterations == 0 && (measureNs < 1_000_000L || measureNs > 3_600_000_000_000L)) {
                throw new IllegalArgumentException("duration must be 1 ms to 1 h, got " + measureNs / 1e6 + " ms");
            }
            Objects.requireNonNull(timeouts, "timeouts");
        }
    }

    /**
     * One (layout, workload) measured.
     *
     * @param cyclesPerSecond median over rounds
     * @param roundCyclesPerSecond each round's figure
     */
    public record Result(BenchLayout layout, String workload, int threads, long cycles, Latencies acquire,
                         Latencies release, double cyclesPerSecond, double[] roundCyclesPerSecond, long errors) {
    }

    /** What was measured, where, on what. */
    public record Report(String date, String mode, int cpus, String kernel, String java, String disk, String dir,
                         int rounds, List<Result> results, List<String> notes) {
    }

    /** One thread, one resource. */
    public static final String SERIAL = "serial";
    /** One thread per resource. */
    public static final String PARALLEL = "parallel";
    /** The same I/O as a serial cycle, blocking, without lease logic ({@link BenchMode.IoFloor}). */
    public static final String IO_FLOOR = "io floor";

    private final Config config;
    private final PrintStream progress;

    private LeaseBenchmark(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs the benchmark; {@code progress} (may be null) gets a line per step. */
    public static Report run(Config config, PrintStream progress) throws Exception {
        return new LeaseBenchmark(config, progress).runAll();
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf(Locale.ROOT, format + "%n", args);
        }
    }

    /** The work of one (layout, workload) accumulated over rounds. */
    private static final class Cell {
        final BenchLayout layout;
        final String workload;
        final int threads;
        final List<ResourceId> resources;
        final LeaseClient client;
        final BenchMode.IoFloor floor;
        final LongSamples acquire = new LongSamples();
        final LongSamples release = new LongSamples();
        final double[] roundRates;
        long cycles;
        long errors;

        Cell(BenchLayout layout, String workload, int threads, List<ResourceId> resources, LeaseClient client,
             BenchMode.IoFloor floor, int rounds) {
            this.layout = layout;
            this.workload = workload;
            this.threads = threads;
            this.resources = resources;
            this.client = client;
            this.floor = floor;
            this.roundRates = new double[rounds];
        }
    }

    private Report runAll() throws Exception {
        Files.createDirectories(config.dir());
        Path work = Files.createTempDirectory(config.dir(), "bench-leases-");
        List<BenchMode.Setup> setups = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            List<Cell> cells = new ArrayList<>();
            int resources = Math.max(1, config.threads());
            for (int i = 0; i < config.layouts().size(); i++) {
                BenchLayout layout = config.layouts().get(i);
                Path dir = Files.createDirectory(work.resolve("layout" + i));
                say("setting up %s (%s mode): formatting, joining, creating %d resources", layout.label(),
                        config.mode().name(), resources);
                BenchMode.Setup setup = config.mode().open(layout, resources, config.timeouts(), dir);
                setups.add(setup);
                cells.add(new Cell(layout, SERIAL, 1, setup.resources().subList(0, 1), setup.client(), null,
                        config.rounds()));
                if (config.threads() > 0) {
                    cells.add(new Cell(layout, PARALLEL, config.threads(), setup.resources().subList(0,
                            config.threads()), setup.client(), null, config.rounds()));
                }
                if (setup.ioFloor() != null) {
                    cells.add(new Cell(layout, IO_FLOOR, 1, List.of(), null, setup.ioFloor(), config.rounds()));
                }
            }
            for (Cell c : cells) {
                say("warming up %s, %s", c.layout.label(), c.workload);
                measure(c, config.warmupNs(), 0, false, -1);
            }
            long sliceNs = config.measureNs() / config.rounds();
            for (int r = 0; r < config.rounds(); r++) {
                for (Cell c : cells) {
                    measure(c, sliceNs, config.iterations(), true, r);
                    say("round %d/%d  %-40s %-8s %8.0f cycles/s", r + 1, config.rounds(), c.layout.label(), c.workload,
                            c.roundRates[r]);
                }
            }
            List<Result> results = new ArrayList<>();
            for (Cell c : cells) {
                results.add(new Result(c.layout, c.workload, c.threads, c.cycles, c.acquire.latencies(),
                        c.release.latencies(), Latencies.median(c.roundRates), c.roundRates.clone(), c.errors));
                if (c.acquire.dropped() > 0) {
                    notes.add(c.layout.label() + " " + c.workload + ": " + c.acquire.dropped()
                            + " latency samples beyond the cap were not kept");
                }
            }
            return new Report(Instant.now().toString(), config.mode().name(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"), System.getProperty("java.version"),
                    MachineInfo.diskOf(config.dir()), config.dir().toAbsolutePath().toString(), config.rounds(),
                    List.copyOf(results), List.copyOf(notes));
        } finally {
            for (BenchMode.Setup s : setups) {
                s.close();
            }
            MachineInfo.deleteTree(work);
        }
    }

    /**
     * Runs one (layout, workload) for {@code durationNs} (or {@code iterations} cycles per thread); if
     * {@code record}, adds the samples and the round's rate to the cell.
     */
    private void measure(Cell cell, long durationNs, int iterations, boolean record, int round) throws Exception {
        int n = cell.threads;
        LongSamples[] acquire = new LongSamples[n];
        LongSamples[] release = new LongSamples[n];
        long[] cycles = new long[n];
        long[] errors = new long[n];
        long[] endNs = new long[n];
        CyclicBarrier start = new CyclicBarrier(n + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] startNs = new long[1];
        Thread[] workers = new Thread[n];
        for (int t = 0; t < n; t++) {
            int me = t;
            acquire[t] = new LongSamples();
            release[t] = new LongSamples();
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                    long stopAt = startNs[0] + durationNs;
                    ResourceId resource = cell.floor != null ? null : cell.resources.get(me);
                    for (long i = 0; iterations > 0 ? i < iterations : System.nanoTime() < stopAt; i++) {
                        if (cell.floor != null) {
                            long[] ns = cell.floor.cycle();
                            acquire[me].add(ns[0]);
                            release[me].add(ns[1]);
                            cycles[me]++;
                            continue;
                        }
                        long t0 = System.nanoTime();
                        Lease lease = cell.client.acquire(resource, LeaseOptions.EXCLUSIVE);
                        long t1 = System.nanoTime();
                        ReleaseResult released = lease.release();
                        long t2 = System.nanoTime();
                        if (released != ReleaseResult.RELEASED) {
                            errors[me]++;
                        }
                        acquire[me].add(t1 - t0);
                        release[me].add(t2 - t1);
                        cycles[me]++;
                    }
                    endNs[me] = System.nanoTime();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    endNs[me] = System.nanoTime();
                }
            }, "bench-" + cell.workload + "-" + t);
            workers[t].start();
        }
        startNs[0] = System.nanoTime();
        start.await();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(cell.layout.label() + " " + cell.workload + ": " + failure.get(),
                    failure.get());
        }
        if (!record) {
            return;
        }
        long last = startNs[0];
        long total = 0;
        for (int t = 0; t < n; t++) {
            last = Math.max(last, endNs[t]);
            total += cycles[t];
            cell.acquire.addAll(acquire[t]);
            cell.release.addAll(release[t]);
            cell.errors += errors[t];
        }
        cell.cycles += total;
        cell.roundRates[round] = total / ((last - startNs[0]) / 1e9);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Output

    /** The report as tables for people. */
    public static String formatText(Report report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Lease benchmark (embedded API, mode %s), %s%n", report.mode(),
                report.date()));
        b.append(String.format(Locale.ROOT, "machine: %d CPUs, %s, Java %s, files on %s in %s; %d rounds%n",
                report.cpus(), report.kernel(), report.java(), report.disk(), report.dir(), report.rounds()));
        b.append(String.format(Locale.ROOT, "%-44s %-8s %3s %8s %10s %10s %10s %10s %10s %10s%n", "layout",
                "workload", "thr", "cycles", "acq p50", "acq p90", "acq p99", "rel p50", "rel p99", "cycles/s"));
        for (Result r : report.results()) {
            b.append(String.format(Locale.ROOT, "%-44s %-8s %3d %8d %10s %10s %10s %10s %10s %10.0f%n",
                    r.layout().label(), r.workload(), r.threads(), r.cycles(), ms(r.acquire().p50Ns()),
                    ms(r.acquire().p90Ns()), ms(r.acquire().p99Ns()), ms(r.release().p50Ns()),
                    ms(r.release().p99Ns()), r.cyclesPerSecond()));
        }
        b.append("latencies in ms, pooled over rounds; cycles/s: median over rounds of (cycles of all threads / wall "
                + "time); parallel: one resource per thread, one host;\nio floor: the reads and writes of a serial "
                + "cycle issued directly (blocking, no event loop, no lease logic) on the same disks.\n");
        for (Result r : report.results()) {
            if (r.errors() > 0) {
                b.append("error: ").append(r.layout().label()).append(' ').append(r.workload()).append(": ")
                        .append(r.errors()).append(" releases did not report RELEASED\n");
            }
        }
        for (String n : report.notes()) {
            b.append("note: ").append(n).append('\n');
        }
        return b.toString();
    }

    static String ms(long ns) {
        return String.format(Locale.ROOT, "%.3f", ns / 1e6);
    }

    /** The report as one JSON object. */
    public static String formatJson(Report report) {
        Json j = new Json().open();
        j.field("date", report.date()).field("mode", report.mode()).field("cpus", report.cpus())
                .field("kernel", report.kernel()).field("java", report.java()).field("disk", report.disk())
                .field("dir", report.dir()).field("rounds", report.rounds()).key("results").openArray();
        for (Result r : report.results()) {
            j.open().field("disks", r.layout().disks()).field("numHosts", r.layout().numHosts())
                    .field("maxHosts", r.layout().geometry().maxHosts())
                    .field("sectorSizeBytes", r.layout().geometry().sectorSizeBytes())
                    .field("workload", r.workload())
                    .field("threads", r.threads()).field("cycles", r.cycles()).field("errors", r.errors());
            latencies(j.key("acquire"), r.acquire());
            latencies(j.key("release"), r.release());
            j.field("cyclesPerSecond", Math.round(r.cyclesPerSecond())).key("roundCyclesPerSecond").openArray();
            for (double d : r.roundCyclesPerSecond()) {
                j.value(Math.round(d));
            }
            j.closeArray().close();
        }
        j.closeArray().key("notes").openArray();
        for (String n : report.notes()) {
            j.value(n);
        }
        return j.closeArray().close().toString();
    }

    private static void latencies(Json j, Latencies l) {
        j.open().field("count", l.count()).field("p50Ns", l.p50Ns()).field("p90Ns", l.p90Ns())
                .field("p99Ns", l.p99Ns()).field("maxNs", l.maxNs()).close();
    }

    /** Work files are removed even if measuring fails; exposed for the failover benchmark. */
    static void deleteQuietly(Path p) {
        try {
            MachineInfo.deleteTree(p);
        } catch (IOException e) {
            // best effort
        }
    }
}
