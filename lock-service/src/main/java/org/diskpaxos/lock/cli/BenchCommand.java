package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.diskpaxos.lock.bench.BenchLayout;
import org.diskpaxos.lock.bench.BenchMode;
import org.diskpaxos.lock.bench.FailoverBenchmark;
import org.diskpaxos.lock.bench.LeaseBenchmark;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * {@code dplock bench}: lease latency and throughput through the embedded API on storage it creates itself
 * ({@link LeaseBenchmark}), or with {@code --failover} the time from SIGKILL of a holder's JVM to another JVM holding
 * the lease ({@link FailoverBenchmark}).
 */
final class BenchCommand implements Command, OptionSpec {

    static final String DEFAULT_DIR = "/var/tmp";

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure lease acquire/release latency and cycles/s, or failover time (--failover)";
    }

    @Override
    public String help() {
        return "usage: dplock bench [--mode disk|daemon|active-lease] [--dir DIR] [--disks 1,3] [--hosts 16,2000]\n"
                + "                    [--sector-size 512] [--threads 8] [--duration 6s | --iterations N]\n"
                + "                    [--warmup 1s] [--rounds 3] [--profile default|fast] [--json]\n"
                + "       dplock bench --failover [--mode disk|active-lease] [--profiles default,fast] [--runs 5]\n"
                + "                    [--dir DIR] [--disks 1]\n"
                + "                    [--hosts 16] [--json]\n"
                + "       dplock bench --mode active --agents HOST:PORT,... --key FILE [--clients N] [--think D]\n"
                + "                    [--duration D] [--warmup D] [--dir DIR] [--json]\n\n"
                + "Creates and formats a lockspace per layout (every combination of --disks and --hosts) on files\n"
                + "in a fresh directory under DIR, joins it as one host (embedded client, or a daemon with --mode\n"
                + "daemon) and measures acquire and release latency (p50/p90/p99) and acquire+release cycles per\n"
                + "second: serially on one resource, and with --threads threads on a resource each. The layouts are\n"
                + "measured in --rounds interleaved rounds; cycles/s is the median over rounds. The files are\n"
                + "removed afterwards.\n\n"
                + "With --failover: a child JVM (host 2, 3, ...) holds a lease; this JVM (host 1) waits for it; the\n"
                + "child is killed with SIGKILL and the time until this JVM holds the lease is measured, --runs times\n"
                + "per timeout profile; the median is reported.\n\n"
                + "options:\n"
                + "  --mode MODE          where the leases live: " + String.join(", ", BenchMode.names())
                + " (Disk Paxos on files; daemon: the same through a\n"
                + "                       lock daemon's socket in this JVM, the difference being the round trip;\n"
                + "                       active-lease: leases in active mode, on --disks agents started in this\n"
                + "                       JVM on loopback, --hosts and --sector-size not applying)\n"
                + "  --dir DIR            where the work files go (default " + DEFAULT_DIR + "); a disk-backed file\n"
                + "                       system, not tmpfs\n"
                + "  --disks N,N          disks per lockspace, each 1, 3 or 5 (default 1,3)\n"
                + "  --hosts N,N          host slots per resource (num_hosts), each 1..max hosts (default 16,2000)\n"
                + "  --sector-size B      512 or 4096 (default 512; areas are 1 MiB)\n"
                + "  --threads T          threads of the parallel workload, one resource each, 0 to skip (default 8)\n"
                + "  --duration D         measuring time per layout and workload, over all rounds (default 6s)\n"
                + "  --iterations N       instead of a time: cycles per thread per round\n"
                + "  --warmup D           unmeasured warm-up per layout and workload (default 1s)\n"
                + "  --rounds R           interleaved rounds, 1 to 100 (default 3)\n"

                + "  --profile P          timeout profile of the lockspaces, default or fast (default: default);\n"
                + "                       only joining depends on it, not the figures measured\n"
                + "  --failover           measure failover instead (see above)\n"
                + "  --profiles P,P       failover: timeout profiles, default and/or fast (default default,fast)\n"
                + "  --runs N             failover: kills per profile, 1 to 50 (default 5)\n"
                + "  --json               one JSON object instead of the tables\n\n"
                + ActiveBenchCommand.HELP;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("mode", "dir", "disks", "hosts", "sector-size", "threads", "duration", "iterations", "warmup",
                "rounds", "profile", "profiles", "runs", "agents", "key", "clients", "think");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("failover");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("bench: unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.string("mode", "disk").equals("active")) {
            return ActiveBenchCommand.run(args, out, err);
        }
        for (String activeOnly : List.of("agents", "key", "clients", "think")) {
            if (args.has(activeOnly)) {
                throw new UsageException("bench: --" + activeOnly + " is for --mode active");
            }
        }
        BenchMode mode;
        try {
            mode = BenchMode.byName(args.string("mode", "disk"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: --mode: " + e.getMessage());
        }
        Path dir = Path.of(args.string("dir", DEFAULT_DIR));
        int sector = args.intValue("sector-size", 512, 512, 4096);
        if (sector != 512 && sector != 4096) {
            throw new UsageException("bench: --sector-size must be 512 or 4096, got " + sector);
        }
        AreaGeometry geometry = sector == 512 ? AreaGeometry.SECTOR_512_ALIGN_1M : AreaGeometry.SECTOR_4K_ALIGN_1M;
        List<Integer> disks = numbers(args, "disks", args.flag("failover") ? "1" : "1,3");
        List<Integer> hosts = numbers(args, "hosts", args.flag("failover") ? "16" : "16,2000");
        boolean json = args.flag("json");
        if (args.flag("failover")) {
            return failover(args, mode, dir, geometry, disks, hosts, json, out, err);
        }
        List<BenchLayout> layouts = new ArrayList<>();
        try {
            for (int d : disks) {
                for (int h : hosts) {
                    layouts.add(new BenchLayout(d, h, geometry));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
        LeaseBenchmark.Config config;
        try {
            config = new LeaseBenchmark.Config(dir, mode, layouts, args.intValue("threads", 8, 0, 64),
                    args.duration("duration", Duration.ofSeconds(6)).toNanos(),
                    args.intValue("iterations", 0, 1, 10_000_000),
                    args.duration("warmup", Duration.ofSeconds(1)).toNanos(), args.intValue("rounds", 3, 1, 100),
                    profile(args.string("profile", "default")).timeouts());
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
        checkDir(dir);
        LeaseBenchmark.Report report = LeaseBenchmark.run(config, json ? null : err);
        out.print(json ? LeaseBenchmark.formatJson(report) + "\n" : LeaseBenchmark.formatText(report));
        return report.results().stream().anyMatch(r -> r.errors() > 0) ? Main.EXIT_FAILURE : 0;
    }

    private static int failover(Args args, BenchMode mode, Path dir, AreaGeometry geometry, List<Integer> disks,
            List<Integer> hosts, boolean json, PrintStream out, PrintStream err) throws Exception {
        if (!mode.name().equals("disk") && !mode.name().equals("active-lease")) {
            throw new UsageException("bench: --failover supports --mode disk and active-lease");
        }
        if (disks.size() != 1 || hosts.size() != 1) {
            throw new UsageException("bench: --failover measures one layout: give one --disks and one --hosts value");
        }
        List<FailoverBenchmark.Profile> profiles = new ArrayList<>();
        for (String p : args.string("profiles", "default,fast").split(",")) {
            profiles.add(profile(p.trim()));
        }
        FailoverBenchmark.Config config;
        try {
            config = new FailoverBenchmark.Config(dir, new BenchLayout(disks.get(0), hosts.get(0), geometry),
                    profiles, args.intValue("runs", 5, 1, 50), mode.name().equals("active-lease"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
        checkDir(dir);
        FailoverBenchmark.Report report = FailoverBenchmark.run(config, json ? null : err);
        out.print(json ? FailoverBenchmark.formatJson(report) + "\n" : FailoverBenchmark.formatText(report));
        return 0;
    }

    private static FailoverBenchmark.Profile profile(String name) throws UsageException {
        return switch (name) {
            case "default" -> new FailoverBenchmark.Profile("default", LeaseTimeouts.DEFAULT);
            case "fast" -> new FailoverBenchmark.Profile("fast", LeaseTimeouts.FAST);
            default -> throw new UsageException("bench: a timeout profile is default or fast, got '" + name + "'");
        };
    }

    private static void checkDir(Path dir) throws UsageException {
        String type = org.diskpaxos.lock.bench.FailoverBenchmark.fileSystemType(dir);
        if (type.equals("tmpfs") || type.equals("ramfs")) {
            throw new UsageException("bench: --dir " + dir + " is on " + type + ", where direct I/O timings mean "
                    + "nothing; give a directory on a disk-backed file system");
        }
    }

    private static List<Integer> numbers(Args args, String name, String fallback) throws UsageException {
        String text = args.string(name, fallback);
        List<Integer> list = new ArrayList<>();
        try {
            for (String s : text.split(",")) {
                list.add(Integer.parseInt(s.trim()));
            }
        } catch (NumberFormatException e) {
            throw new UsageException("bench: --" + name + " must be numbers separated by commas, got '" + text + "'");
        }
        return list;
    }
}
