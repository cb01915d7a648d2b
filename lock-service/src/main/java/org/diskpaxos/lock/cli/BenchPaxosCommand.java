package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.diskpaxos.paxos.bench.PaxosBenchmark;

/** {@code dplock bench-paxos}: uncontended Disk Paxos ballots next to the physical floor of their I/O. */
final class BenchPaxosCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "bench-paxos";
    }

    @Override
    public String summary() {
        return "measure uncontended Disk Paxos ballots on files, next to the floor of the same I/O (raw loop and dd)";
    }

    @Override
    public String help() {
        return "usage: dplock bench-paxos [--dir DIR] [--iterations N] [--rounds R] [--dd-iterations M] [--json]\n\n"
                + "On 1 and 3 file-backed disks with 2000 and 16 host slots (512-byte sectors, 1 MiB areas), times\n"
                + "one full decision of the next lease version (phase 0 recovery read, phase 1, phase 2) and one\n"
                + "acquire (leader read, decision, leader write), and in the same run the floor of the ballot's I/O:\n"
                + "per phase and disk one 512 B O_DIRECT+O_DSYNC write of the own sector and one O_DIRECT read of\n"
                + "the num_hosts block sectors, disks in parallel, measured by a raw pwrite/pread loop and by dd\n"
                + "(many transfers per dd process, dd's own copy time / count, so process start-up is not counted).\n"
                + "Prints p50/p90/p99, decisions per second and the ratio of our p50 to each floor.\n\n"
                + "options:\n"
                + "  --dir DIR           where the work files go (default: the current directory); must be on the\n"
                + "                      disk to measure, not a tmpfs; removed afterwards\n"
                + "  --iterations N      decisions and acquires per scenario, 10 to 100000 (default 2000)\n"
                + "  --rounds R          rounds the iterations are split into, interleaved with the floors (default 5)\n"
                + "  --dd-iterations M   dd transfers of each kind per disk and scenario, split over the rounds,\n"
                + "                      0 to 10000; 0 skips dd (default 250)\n"
                + "  --json              print one JSON object instead of the table";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("dir", "iterations", "rounds", "dd-iterations");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("bench-paxos: unexpected argument '" + args.positional().get(0) + "'");
        }
        int iterations = args.intValue("iterations", 2000, 10, 100_000);
        int rounds = args.intValue("rounds", 5, 1, 20);
        if (rounds > iterations) {
            throw new UsageException("bench-paxos: --rounds " + rounds + " exceeds --iterations " + iterations);
        }
        int ddIterations = args.intValue("dd-iterations", 250, 0, 10_000);
        PaxosBenchmark.Config config = new PaxosBenchmark.Config(Path.of(args.string("dir", ".")), iterations, rounds,
                ddIterations, PaxosBenchmark.DEFAULT_SCENARIOS);
        PaxosBenchmark.Report report = PaxosBenchmark.run(config, args.flag("json") ? null : err);
        out.print(args.flag("json") ? PaxosBenchmark.formatJson(report) + "\n" : PaxosBenchmark.formatText(report));
        return 0;
    }
}
