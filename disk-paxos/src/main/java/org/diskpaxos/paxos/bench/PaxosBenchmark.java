package org.diskpaxos.paxos.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.disk.ResourceAreaFormatter;
import org.diskpaxos.paxos.disk.ResourceDisks;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.LeaderRecord;

/**
 * Uncontended Disk Paxos ballots on file-backed disks, next to the physical floor of the same I/O measured in the
 * same run.
 *
 * <p>Per scenario (1 or 3 disks, {@code num_hosts} 2000 or 16; 512-byte sectors, 1 MiB areas, one file per disk in
 * a fresh directory under {@code dir}) and per round: {@code iterations / rounds} decisions, as many acquires and as
 * many iterations of the floor measured by a raw native loop, alternating in batches of {@link #BATCH}; then one
 * estimate of the floor by dd ({@link BallotFloor}). Interleaving exposes every measurement to the same background
 * noise of a shared machine.
 *
 * <ul>
 *   <li><b>decide</b>: {@link DiskPaxosResource#decide} of the next lver, one proposer: a fresh
 *       {@code DiskRankedRegister} runs phase 0 (one own-sector read per disk, the recovery every new instance
 *       does), then rrRead (phase 1: write own sector, read {@code num_hosts} sectors) and rrWrite (phase 2: the
 *       same), each phase completing on the first majority of disks.</li>
 *   <li><b>acquire</b>: {@link DiskPaxosResource#acquire}: leader read on every disk, decide, leader write on every
 *       disk.</li>
 * </ul>
 * Latencies are timed on the resource's event loop from the call to the callback, so the benchmark's own thread
 * handoffs are not counted; decisions per second are those of this serial loop ({@code 1e9 / mean}).
 *
 * <p>Limits: 10..100,000 iterations, 1..20 rounds, 0..10,000 dd transfers; each operation must finish within
 * {@link #OPERATION_TIMEOUT}. The work directory is removed afterwards.
 */
public final class PaxosBenchmark {
    static final String LOCKSPACE = "BENCH";
    static final String RESOURCE = "BALLOT";
    static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    static final int HOST_ID = 1;
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    static final int WARMUP_OPERATIONS = 300;
    /** Operations of one kind run back to back before switching to the next kind. */
    static final int BATCH = 20;
    private static final DiskPaxosResource.Options OPTIONS = new DiskPaxosResource.Options(
            TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(20), TimeUnit.MILLISECONDS.toNanos(1), true);

    /** One configuration: how many disks, and how many host blocks a ballot reads. */
    public record Scenario(int disks, int numHosts) {
        public Scenario {
            if (disks < 1 || disks > ResourceDisks.DISKS_MAX) {
                throw new IllegalArgumentException("disks must be 1.." + ResourceDisks.DISKS_MAX + ", got " + disks);
            }
            if (numHosts < 1 || numHosts > GEOMETRY.maxHosts()) {
                throw new IllegalArgumentException("num_hosts must be 1.." + GEOMETRY.maxHosts() + ", got " + numHosts);
            }
        }

        public String label() {
            return disks + (disks == 1 ? " disk, " : " disks, ") + numHosts + " hosts";
        }
    }

    /** The four scenarios of the issue. */
    public static final List<Scenario> DEFAULT_SCENARIOS = List.of(new Scenario(1, 2000), new Scenario(3, 2000),
            new Scenario(1, 16), new Scenario(3, 16));

    /**
     * @param dir          where the work files go; must be on the disk to measure (not a tmpfs)
     * @param iterations   decisions (and as many acquires and raw-floor iterations) per scenario
     * @param rounds       rounds the iterations are split into
     * @param ddIterations dd transfers of each kind per disk and scenario, split over the rounds (one dd run per
     *                     kind, disk and round; capped so a floor file stays within 128 MiB); 0 skips dd
     * @param scenarios    what to measure
     */
    public record Config(Path dir, int iterations, int rounds, int ddIterations, List<Scenario> scenarios) {
        public Config {
            if (iterations < 10 || iterations > 100_000) {
                throw new IllegalArgumentException("iterations must be 10 to 100000, got " + iterations);
            }
            if (rounds < 1 || rounds > 20 || rounds > iterations) {
                throw new IllegalArgumentException("rounds must be 1 to 20 and at most the iterations, got " + rounds);
            }
            if (ddIterations < 0 || ddIterations > 10_000) {
                throw new IllegalArgumentException("dd transfers must be 0 to 10000, got " + ddIterations);
            }
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("no scenarios");
            }
            scenarios = List.copyOf(scenarios);
        }
    }

    /**
     * What one scenario measured. {@code ddFloor} is null when dd was not run.
     *
     * @param decide   latencies of {@link DiskPaxosResource#decide}
     * @param acquire  latencies of {@link DiskPaxosResource#acquire}
     * @param rawFloor per-iteration floor (two phases) from the raw native loop
     * @param rawPhase0 per-iteration time of the phase-0 own-sector read in the raw loop (not part of the floor)
     * @param ddFloor  floor (two phases) from dd, one estimate per round, or null
     * @param pairedRatioToRaw the median over batches of (decide median of the batch / raw floor median of the batch
     *                 measured right after it): a ratio of measurements taken within milliseconds of each other, so
     *                 less moved by load that comes and goes on a shared machine than the ratio of the p50s
     */
    public record ScenarioResult(Scenario scenario, Latencies decide, Latencies acquire, Latencies rawFloor,
                                 Latencies rawPhase0, Latencies ddFloor, double pairedRatioToRaw) {
        /** decide p50 over the dd floor's p50; NaN without dd. */
        public double ratioToDd() {
            return ddFloor == null ? Double.NaN : (double) decide.p50Ns() / ddFloor.p50Ns();
        }

        /** decide p50 over the raw floor's p50. */
        public double ratioToRaw() {
            return (double) decide.p50Ns() / rawFloor.p50Ns();
        }
    }

    /** What was measured, where, and what was left out. */
    public record Report(String date, int cpus, String kernel, String disk, String dir, String java,
                         List<ScenarioResult> results, List<String> notes) {
    }

    private final Config config;
    private final PrintStream progress;
    private final List<String> notes = new ArrayList<>();

    private PaxosBenchmark(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs every scenario; {@code progress} (may be null) gets a line per scenario. */
    public static Report run(Config config, PrintStream progress) throws IOException, InterruptedException {
        return new PaxosBenchmark(config, progress).runAll();
    }

    private Report runAll() throws IOException, InterruptedException {
        Files.createDirectories(config.dir());
        boolean dd = config.ddIterations() > 0;
        if (dd) {
            String reason = DdTransfer.unavailableReason();
            if (reason != null) {
                notes.add("no dd floor: " + reason);
                dd = false;
            }
        } else {
            notes.add("no dd floor: switched off");
        }
        List<ScenarioResult> results = new ArrayList<>();
        String pressureBefore = pressure();
        Path work = Files.createTempDirectory(config.dir(), "bench-paxos-");
        try {
            for (Scenario s : config.scenarios()) {
                results.add(measure(work, s, dd));
            }
        } finally {
            deleteTree(work);
        }
        if (pressureBefore != null) {
            notes.add("pressure stall information (/proc/pressure: share of time some task waited for a CPU or for "
                    + "I/O, i.e. other work on the machine) before: " + pressureBefore + "; after: " + pressure());
        }
        return new Report(Instant.now().toString(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), diskOf(config.dir()),
                config.dir().toAbsolutePath().toString(), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), List.copyOf(results), List.copyOf(notes));
    }

    private ScenarioResult measure(Path work, Scenario s, boolean dd) throws IOException, InterruptedException {
        String tag = s.disks() + "x" + s.numHosts();
        int sector = GEOMETRY.sectorSizeBytes();
        int ddPerRound = dd ? Math.min(Math.max(1, config.ddIterations() / config.rounds()),
                BallotFloor.ddTransfersMax(sector, s.numHosts())) : 0;
        long floorFileBytes = Math.max(GEOMETRY.alignSizeBytes(),
                dd ? BallotFloor.ddFileBytes(sector, HOST_ID, s.numHosts(), ddPerRound) : 0);
        List<ResourceDisks.Location> locations = new ArrayList<>();
        List<Path> floorFiles = new ArrayList<>();
        for (int d = 0; d < s.disks(); d++) {
            Path ballot = work.resolve("ballot-" + tag + "-" + d + ".img");
            Path floor = work.resolve("floor-" + tag + "-" + d + ".img");
            BlockDevices.open(ballot, BlockDeviceOptions.direct().withCreateSize(GEOMETRY.alignSizeBytes())).close();
            BlockDevices.open(floor, BlockDeviceOptions.direct().withCreateSize(floorFileBytes)).close();
            locations.add(new ResourceDisks.Location(ballot, 0));
            floorFiles.add(floor);
        }
        ResourceAreaFormatter.format(locations, LOCKSPACE, RESOURCE, GEOMETRY, s.numHosts(), false);
        int perRound = Math.max(1, config.iterations() / config.rounds());
        long[] decide = new long[perRound * config.rounds()];
        long[] acquire = new long[perRound * config.rounds()];
        long[] raw = new long[perRound * config.rounds()];
        long[] rawPhase0 = new long[perRound * config.rounds()];
        long[] ddFloor = new long[config.rounds()];
        List<Double> pairedRatios = new ArrayList<>();
        try (ResourceDisks disks = ResourceDisks.open(locations, ResourceDisks.Settings.direct(GEOMETRY, "bench"))) {
            DiskPaxosResource resource = disks.resource(LOCKSPACE, RESOURCE, HOST_ID, OPTIONS, RandomSource.seeded(1));
            Driver driver = new Driver(disks, resource);
            driver.run(WARMUP_OPERATIONS, false, new long[WARMUP_OPERATIONS], 0);
            driver.run(WARMUP_OPERATIONS, true, new long[WARMUP_OPERATIONS], 0);
            BallotFloor.raw(floorFiles, sector, HOST_ID, s.numHosts(), Math.min(50, perRound));
            for (int r = 0; r < config.rounds(); r++) {
                // Small batches of each, alternating, so that all see the same moments of a noisy disk.
                for (int done = 0; done < perRound; done += BATCH) {
                    int k = Math.min(BATCH, perRound - done);
                    int at = r * perRound + done;
                    driver.run(k, false, decide, at);
                    driver.run(k, true, acquire, at);
                    BallotFloor.Raw rawBatch = BallotFloor.raw(floorFiles, sector, HOST_ID, s.numHosts(), k);
                    System.arraycopy(rawBatch.ballotNs(), 0, raw, at, k);
                    System.arraycopy(rawBatch.phase0Ns(), 0, rawPhase0, at, k);
                    pairedRatios.add((double) Latencies.of(Arrays.copyOfRange(decide, at, at + k)).p50Ns()
                            / Latencies.of(rawBatch.ballotNs()).p50Ns());
                }
                if (dd) {
                    ddFloor[r] = BallotFloor.dd(floorFiles, sector, HOST_ID, s.numHosts(), ddPerRound);
                }
            }
        }
        pairedRatios.sort(null);
        ScenarioResult result = new ScenarioResult(s, Latencies.of(decide), Latencies.of(acquire), Latencies.of(raw),
                Latencies.of(rawPhase0), dd ? Latencies.of(ddFloor) : null, pairedRatios.get(pairedRatios.size() / 2));
        if (progress != null) {
            progress.printf(Locale.ROOT, "  measured %-20s decide p50 %s, raw floor p50 %s%s%n", s.label(),
                    micros(result.decide().p50Ns()), micros(result.rawFloor().p50Ns()),
                    dd ? ", dd floor p50 " + micros(result.ddFloor().p50Ns()) : "");
        }
        return result;
    }

    /** Runs decisions or acquires back to back on the resource's loop, timing each there. */
    private static final class Driver {
        private final ResourceDisks disks;
        private final DiskPaxosResource resource;
        private LeaderRecord leader;
        private long nextLver;
        private long generation;

        Driver(ResourceDisks disks, DiskPaxosResource resource) throws InterruptedException, IOException {
            this.disks = disks;
            this.resource = resource;
            DiskPaxosResource.LeaderRead read = call(resource::readLeader);
            if (!(read instanceof DiskPaxosResource.LeaderRead.Leader l)) {
                throw new IOException("cannot read the benchmark area's leader: " + read);
            }
            leader = l.leader();
            nextLver = leader.lver() + 1;
        }

        void run(int count, boolean acquires, long[] out, int at) throws IOException, InterruptedException {
            CompletableFuture<String> done = new CompletableFuture<>();
            disks.loop().execute(() -> step(count, acquires, out, at, 0, done));
            String failure;
            try {
                failure = done.get(OPERATION_TIMEOUT.toSeconds() * count, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("benchmark operations did not finish: " + e, e);
            }
            if (failure != null) {
                throw new IOException(failure);
            }
        }

        private void step(int count, boolean acquires, long[] out, int at, int i, CompletableFuture<String> done) {
            if (i == count) {
                if (acquires || count == 0) {
                    done.complete(null);
                    return;
                }
                // Record the last decided instance in the leader, so that acquires continue after it.
                LeaderRecord last = leader.withLver(nextLver - 1).withOwner(HOST_ID, generation, generation)
                        .withWriter(HOST_ID, generation, generation);
                resource.writeLeader(last, failure -> {
                    leader = last;
                    done.complete(failure == null ? null : "leader write failed: " + failure);
                });
                return;
            }
            generation++;
            Inp value = new Inp(HOST_ID, generation, generation);
            long t0 = System.nanoTime();
            if (acquires) {
                resource.acquire(value, generation, generation, a -> {
                    out[at + i] = System.nanoTime() - t0;
                    if (a instanceof DiskPaxosResource.Acquired.Decided d) {
                        leader = d.leader();
                        nextLver = d.lver() + 1;
                        step(count, true, out, at, i + 1, done);
                    } else {
                        done.complete("acquire failed: " + a);
                    }
                });
            } else {
                long lver = nextLver++;
                resource.decide(leader, lver, value, d -> {
                    out[at + i] = System.nanoTime() - t0;
                    if (d instanceof Consensus.Decision.Decided<Inp> decided && decided.value().equals(value)
                            && decided.attempts() == 1) {
                        step(count, false, out, at, i + 1, done);
                    } else {
                        done.complete("uncontended decision of lver " + lver + " did not decide our value at once: "
                                + d);
                    }
                });
            }
        }

        private <T> T call(java.util.function.Consumer<org.diskpaxos.paxos.RankedRegister.Callback<T>> op)
                throws InterruptedException, IOException {
            try {
                return disks.call(op, OPERATION_TIMEOUT);
            } catch (TimeoutException e) {
                throw new IOException("no answer in " + OPERATION_TIMEOUT, e);
            }
        }
    }

    /** The "some" lines of /proc/pressure/cpu and io, or null where the kernel has no pressure stall information. */
    private static String pressure() {
        StringBuilder b = new StringBuilder();
        for (String kind : List.of("cpu", "io")) {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/pressure", kind));
                if (!lines.isEmpty()) {
                    b.append(b.length() == 0 ? "" : ", ").append(kind).append(' ')
                            .append(lines.get(0).replaceFirst(" total=\\d+$", ""));
                }
            } catch (IOException e) {
                return null;
            }
        }
        return b.length() == 0 ? null : b.toString();
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
        b.append(String.format(Locale.ROOT, "Disk Paxos ballot benchmark, %s%n", report.date()));
        b.append(String.format(Locale.ROOT, "machine: %d CPUs, %s, %s, files on %s in %s%n", report.cpus(),
                report.kernel(), report.java(), report.disk(), report.dir()));
        b.append(String.format(Locale.ROOT, "%-20s %-8s %6s %10s %10s %10s %9s %11s %11s %10s %7s %7s %7s%n",
                "scenario", "op", "n", "p50", "p90", "p99", "per s", "floor dd", "floor raw", "p0 raw", "/dd", "/raw",
                "paired"));
        for (ScenarioResult r : report.results()) {
            line(b, r.scenario().label(), "decide", r.decide(), r.ddFloor(), r.rawFloor(), r.rawPhase0(),
                    r.ratioToDd(), r.ratioToRaw(), r.pairedRatioToRaw());
            line(b, "", "acquire", r.acquire(), null, null, null, Double.NaN, Double.NaN, Double.NaN);
        }
        b.append("decide = phase 0 (own-sector read) + phase 1 + phase 2 of a fresh instance, one proposer; acquire = "
                + "leader read + decide + leader write.\n");
        b.append("floor = per phase and disk one 512 B O_DIRECT+O_DSYNC write of the own sector and one O_DIRECT read "
                + "of num_hosts sectors, 2 phases, disks in parallel, a phase done on a majority. raw: a pwrite/pread "
                + "loop via the native module, p50 over iterations; dd: dd's own copy time / count of many transfers "
                + "per dd process, median over rounds.\n");
        b.append("p0 raw: p50 of the phase-0 own-sector read our decide does first (not in the floor). "
                + "/dd and /raw: decide p50 over that floor's p50. paired: median over batches of "
                + BATCH + " of (decide p50 / raw floor p50 of the batch right after).\n");
        for (String n : report.notes()) {
            b.append("note: ").append(n).append('\n');
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String op, Latencies l, Latencies dd, Latencies raw,
                             Latencies phase0, double ratioDd, double ratioRaw, double paired) {
        b.append(String.format(Locale.ROOT, "%-20s %-8s %6d %10s %10s %10s %9.0f %11s %11s %10s %7s %7s %7s%n", label,
                op, l.count(), micros(l.p50Ns()), micros(l.p90Ns()), micros(l.p99Ns()), l.perSecond(),
                dd == null ? "-" : micros(dd.p50Ns()), raw == null ? "-" : micros(raw.p50Ns()),
                phase0 == null ? "-" : micros(phase0.p50Ns()),
                Double.isNaN(ratioDd) ? "-" : String.format(Locale.ROOT, "%.2fx", ratioDd),
                Double.isNaN(ratioRaw) ? "-" : String.format(Locale.ROOT, "%.2fx", ratioRaw),
                Double.isNaN(paired) ? "-" : String.format(Locale.ROOT, "%.2fx", paired)));
    }

    /** The report as one JSON object. */
    public static String formatJson(Report report) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"date\":").append(q(report.date())).append(",\"cpus\":").append(report.cpus())
                .append(",\"kernel\":").append(q(report.kernel())).append(",\"disk\":").append(q(report.disk()))
                .append(",\"dir\":").append(q(report.dir())).append(",\"java\":").append(q(report.java()))
                .append(",\"results\":[");
        for (int i = 0; i < report.results().size(); i++) {
            ScenarioResult r = report.results().get(i);
            b.append(i == 0 ? "" : ",").append("{\"disks\":").append(r.scenario().disks()).append(",\"numHosts\":")
                    .append(r.scenario().numHosts()).append(",\"decide\":").append(json(r.decide()))
                    .append(",\"acquire\":").append(json(r.acquire())).append(",\"rawFloor\":")
                    .append(json(r.rawFloor())).append(",\"rawPhase0\":").append(json(r.rawPhase0()))
                    .append(",\"ddFloor\":").append(r.ddFloor() == null ? "null"
                    : json(r.ddFloor())).append(",\"ratioToDd\":").append(ratio(r.ratioToDd()))
                    .append(",\"ratioToRaw\":").append(ratio(r.ratioToRaw())).append(",\"pairedRatioToRaw\":")
                    .append(ratio(r.pairedRatioToRaw())).append('}');
        }
        b.append("],\"notes\":[");
        for (int i = 0; i < report.notes().size(); i++) {
            b.append(i == 0 ? "" : ",").append(q(report.notes().get(i)));
        }
        return b.append("]}").toString();
    }

    private static String json(Latencies l) {
        return String.format(Locale.ROOT, "{\"count\":%d,\"p50Ns\":%d,\"p90Ns\":%d,\"p99Ns\":%d,\"meanNs\":%d,"
                + "\"perSecond\":%.1f}", l.count(), l.p50Ns(), l.p90Ns(), l.p99Ns(), l.meanNs(), l.perSecond());
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "null" : String.format(Locale.ROOT, "%.3f", r);
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
