package org.diskpaxos.lock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;

/**
 * Failover time: from SIGKILL of the JVM holding a lease to another JVM holding it.
 *
 * <p>Per timeout profile, on a freshly formatted lockspace: this JVM joins as host 1. Each run starts a child JVM
 * ({@link LeaseHolderMain}, host {@code 1 + run}, a host id never used before in the lockspace, so it joins without
 * waiting) which acquires the lease and reports its fencing token. This JVM then asks for the lease (it is busy, so
 * the acquire waits and watches the holder's delta lease), lets one renewal interval pass so that it has seen the
 * holder alive, then kills the child with SIGKILL and measures until its own acquire returns. The new token must be
 * above the holder's. The run's figure is that time; the profile's is the median over runs.
 *
 * <p>What bounds it ({@link LeaseTimeouts}): the survivor needs {@code hostDead} (≈ 7 io timeouts) of silence since
 * its first read of the unchanged delta lease, then up to one renewal interval until its next look, then one acquire.
 */
public final class FailoverBenchmark {

    /** A named timeout profile. */
    public record Profile(String name, LeaseTimeouts timeouts) {
    }

    /**
     * @param dir      where the work files go
     * @param layout   the lockspace's layout
     * @param profiles the profiles to measure
     * @param runs     kills per profile
     */
    public record Config(Path dir, BenchLayout layout, List<Profile> profiles, int runs, boolean active) {
        public Config(Path dir, BenchLayout layout, List<Profile> profiles, int runs) {
            this(dir, layout, profiles, runs, false);
        }

        public Config {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(layout, "layout");
            profiles = List.copyOf(profiles);
            if (profiles.isEmpty()) {
                throw new IllegalArgumentException("no profile to measure");
            }
            if (runs < 1 || runs > 50) {
                throw new IllegalArgumentException("runs must be 1 to 50, got " + runs);
            }
            if (runs + 1 > layout.numHosts()) {
                throw new IllegalArgumentException(runs + " runs need " + (runs + 1) + " host slots, the layout has "
                        + layout.numHosts());
            }
        }
    }

    /** One kill: the holder's token, the survivor's, and the time from the kill to holding the lease. */
    public record Run(int run, long holderFence, long survivorFence, long failoverNs) {
    }

    /** One profile's runs and their median. */
    public record Result(Profile profile, List<Run> runs, long medianNs, long minNs, long maxNs) {
    }

    public record Report(String date, int cpus, String kernel, String java, String disk, BenchLayout layout,
                         boolean active, List<Result> results) {
    }

    /** Where the lockspace lives: the survivor's client (host 1) and the command of a holder JVM. */
    private interface Storage extends AutoCloseable {
        LeaseClient survivor();

        List<String> holderCommand(int hostId, ResourceId resource, LeaseTimeouts t);

        @Override
        void close();
    }

    /** Disk mode: a freshly formatted lockspace on files, the embedded client. */
    private static Storage diskStorage(Config config, LeaseTimeouts t, Path work) throws Exception {
        List<EmbeddedLeaseClient.Disk> disks = DiskBenchMode.format(config.layout(), 1, t, work);
        int maxResources = DiskBenchMode.maxResources(1);
        EmbeddedLeaseClient client = EmbeddedLeaseClient.open(new EmbeddedLeaseClient.Config(
                DiskBenchMode.LOCKSPACE, 1, disks, config.layout().geometry(), t, maxResources, HostIdentity.local()));
        try {
            client.createResource(RESOURCE, config.layout().numHosts());
        } catch (Exception e) {
            client.close();
            throw e;
        }
        return new Storage() {
            @Override
            public LeaseClient survivor() {
                return client;
            }

            @Override
            public List<String> holderCommand(int hostId, ResourceId resource, LeaseTimeouts timeouts) {
                List<String> args = new ArrayList<>(List.of(resource.toString(), Integer.toString(hostId),
                        Long.toString(timeouts.ioTimeoutNs() / 1_000_000L),
                        Integer.toString(config.layout().geometry().sectorSizeBytes()),
                        Integer.toString(maxResources)));
                for (EmbeddedLeaseClient.Disk d : disks) {
                    args.add(d.path().toString());
                }
                return ChildJvm.likeThisJvm(LeaseHolderMain.class.getName(), args);
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    /** Active mode: agents in this JVM (one per disk of the layout), the active-mode client. */
    private static Storage activeStorage(Config config, LeaseTimeouts t, Path work) throws Exception {
        LocalAgents agents = new LocalAgents(work, config.layout().disks(), 1);
        org.diskpaxos.lock.active.ActiveLeaseClient client;
        try {
            client = org.diskpaxos.lock.active.ActiveLeaseClient.open(
                    new org.diskpaxos.lock.active.ActiveLeaseClient.Config(DiskBenchMode.LOCKSPACE, 1,
                            agents.addresses, agents.key, t, HostIdentity.local()));
        } catch (Exception e) {
            agents.close();
            throw e;
        }
        return new Storage() {
            @Override
            public LeaseClient survivor() {
                return client;
            }

            @Override
            public List<String> holderCommand(int hostId, ResourceId resource, LeaseTimeouts timeouts) {
                List<String> args = new ArrayList<>(List.of(resource.toString(), Integer.toString(hostId),
                        Long.toString(timeouts.ioTimeoutNs() / 1_000_000L), "active", agents.keyFile.toString()));
                args.addAll(agents.addressArgs());
                return ChildJvm.likeThisJvm(LeaseHolderMain.class.getName(), args);
            }

            @Override
            public void close() {
                client.close();
                agents.close();
            }
        };
    }

    private static final String RESOURCE = "r0";

    private FailoverBenchmark() {
    }

    public static Report run(Config config, PrintStream progress) throws Exception {
        Files.createDirectories(config.dir());
        List<Result> results = new ArrayList<>();
        for (Profile p : config.profiles()) {
            Path work = Files.createTempDirectory(config.dir(), "bench-failover-");
            try {
                results.add(measure(config, p, work, progress));
            } finally {
                LeaseBenchmark.deleteQuietly(work);
            }
        }
        return new Report(Instant.now().toString(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"), System.getProperty("java.version"), MachineInfo.diskOf(config.dir()),
                config.layout(), config.active(), List.copyOf(results));
    }

    /** The file system type of {@code dir} ("ext4", "tmpfs", ...), or "unknown". */
    public static String fileSystemType(Path dir) {
        return MachineInfo.fileSystemType(dir);
    }

    private static Result measure(Config config, Profile profile, Path work, PrintStream progress) throws Exception {
        LeaseTimeouts t = profile.timeouts();
        List<Run> runs = new ArrayList<>();
        ResourceId resource = new ResourceId(DiskBenchMode.LOCKSPACE, RESOURCE);
        try (Storage storage = config.active() ? activeStorage(config, t, work) : diskStorage(config, t, work)) {
            for (int r = 1; r <= config.runs(); r++) {
                Run run = oneRun(r, profile, storage, resource, work);
                runs.add(run);
                if (progress != null) {
                    progress.printf(Locale.ROOT, "failover %-8s run %d/%d: %8.0f ms (fence %d -> %d)%n",
                            profile.name(), r, config.runs(), run.failoverNs() / 1e6, run.holderFence(),
                            run.survivorFence());
                }
            }
        }
        long[] ns = runs.stream().mapToLong(Run::failoverNs).sorted().toArray();
        long median = ns.length % 2 == 1 ? ns[ns.length / 2] : (ns[ns.length / 2 - 1] + ns[ns.length / 2]) / 2;
        return new Result(profile, List.copyOf(runs), median, ns[0], ns[ns.length - 1]);
    }

    private static Run oneRun(int run, Profile profile, Storage storage, ResourceId resource, Path work)
            throws Exception {
        LeaseTimeouts t = profile.timeouts();
        LeaseClient survivor = storage.survivor();
        Path errors = work.resolve("holder-" + run + ".err");
        Process holder = new ProcessBuilder(storage.holderCommand(1 + run, resource, t))
                .redirectError(errors.toFile()).start();
        try {
            long holderFence = awaitHeld(holder, errors, 20 * t.hostDeadNs() + TimeUnit.SECONDS.toNanos(30));
            CompletableFuture<Lease> mine = survivor.acquireAsync(resource, LeaseOptions.EXCLUSIVE);
            // Let the survivor find the lease busy and see the holder renew once: a waiting contender.
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(2 * t.renewIntervalNs()));
            if (mine.isDone()) {
                throw new IllegalStateException("host 1 was granted " + resource + " while host " + (1 + run)
                        + " held it alive: " + mine.get());
            }
            long killedAt = System.nanoTime();
            holder.destroyForcibly();
            Lease lease = mine.get(20 * t.hostDeadNs(), TimeUnit.NANOSECONDS);
            long heldAt = System.nanoTime();
            if (!holder.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the holder JVM survived SIGKILL");
            }
            if (lease.fence() <= holderFence) {
                throw new IllegalStateException("fencing token went from " + holderFence + " to " + lease.fence());
            }
            long fence = lease.fence();
            lease.release();
            return new Run(run, holderFence, fence, heldAt - killedAt);
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Reads the holder's standard output until {@code HELD <fence>}; fails if it exits or takes too long. */
    private static long awaitHeld(Process holder, Path errors, long timeoutNs) throws Exception {
        CompletableFuture<Long> held = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(LeaseHolderMain.HELD)) {
                        return Long.parseLong(line.substring(LeaseHolderMain.HELD.length()).trim());
                    }
                }
                return -1L;
            } catch (IOException e) {
                return -1L;
            }
        });
        Long fence;
        try {
            fence = held.get(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            fence = -1L;
        }
        if (fence < 0) {
            holder.destroyForcibly();
            throw new IllegalStateException("the holder JVM did not report holding the lease: "
                    + Files.readString(errors).trim());
        }
        return fence;
    }

    /** The report as a table for people. */
    public static String formatText(Report report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Failover benchmark (SIGKILL of the holder's JVM -> another JVM holds the "
                + "lease), %s%n", report.date()));
        b.append(String.format(Locale.ROOT, "machine: %d CPUs, %s, Java %s, files on %s; %s%n", report.cpus(),
                report.kernel(), report.java(), report.disk(), report.active()
                        ? "active mode, " + report.layout().disks() + " agents in the surviving JVM"
                        : "layout " + report.layout().label()));
        b.append(String.format(Locale.ROOT, "%-8s %8s %6s %10s %10s %10s  %s%n", "profile", "io (ms)", "runs",
                "median s", "min s", "max s", "runs (s)"));
        for (Result r : report.results()) {
            StringBuilder each = new StringBuilder();
            for (Run run : r.runs()) {
                each.append(each.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f",
                        run.failoverNs() / 1e9));
            }
            b.append(String.format(Locale.ROOT, "%-8s %8d %6d %10.2f %10.2f %10.2f  %s%n", r.profile().name(),
                    r.profile().timeouts().ioTimeoutNs() / 1_000_000, r.runs().size(), r.medianNs() / 1e9,
                    r.minNs() / 1e9, r.maxNs() / 1e9, each));
        }
        for (Result r : report.results()) {
            b.append(r.profile().name()).append(": ").append(r.profile().timeouts().describe()).append('\n');
        }
        return b.toString();
    }

    public static String formatJson(Report report) {
        Json j = new Json().open();
        j.field("date", report.date()).field("cpus", report.cpus()).field("kernel", report.kernel())
                .field("java", report.java()).field("disk", report.disk())
                .field("mode", report.active() ? "active-lease" : "disk")
                .field("disks", report.layout().disks()).field("numHosts", report.layout().numHosts())
                .key("results").openArray();
        for (Result r : report.results()) {
            j.open().field("profile", r.profile().name())
                    .field("ioTimeoutNs", r.profile().timeouts().ioTimeoutNs())
                    .field("hostDeadNs", r.profile().timeouts().hostDeadNs())
                    .field("medianNs", r.medianNs()).field("minNs", r.minNs()).field("maxNs", r.maxNs())
                    .key("runs").openArray();
            for (Run run : r.runs()) {
                j.open().field("run", run.run()).field("holderFence", run.holderFence())
                        .field("survivorFence", run.survivorFence()).field("failoverNs", run.failoverNs()).close();
            }
            j.closeArray().close();
        }
        return j.closeArray().close().toString();
    }
}
