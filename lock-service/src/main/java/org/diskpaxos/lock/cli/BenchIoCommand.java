package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.diskpaxos.blockdev.bench.IoBenchmark;

/** {@code dplock bench-io}: sector I/O latency per backend, side by side with dd. */
final class BenchIoCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "bench-io";
    }

    @Override
    public String summary() {
        return "measure block-device I/O latency per backend, next to dd doing the same transfers";
    }

    @Override
    public String help() {
        return "usage: dplock bench-io [--dir DIR] [--iterations N] [--rounds R] [--no-loop] [--no-dd] [--json]\n\n"
                + "Times 512 B and 4 KiB synchronous (O_DSYNC) writes and 4 KiB and 1 MiB reads through the direct,\n"
                + "mapped and memory backends, on a file in DIR and (as root) on a loop device it attaches and\n"
                + "detaches itself. After each of our rounds, dd makes the same transfers (oflag=direct,dsync or\n"
                + "iflag=direct) and the ratio of the two round means is printed.\n\n"
                + "options:\n"
                + "  --dir DIR         where the 64 MiB work files go (default: the current directory); must be on\n"
                + "                    the disk to measure, not a tmpfs; removed afterwards\n"
                + "  --iterations N    transfers per backend and operation, 10 to 1000000 (default 2000)\n"
                + "  --rounds R        rounds the transfers are split into, one dd run after each (default 5)\n"
                + "  --no-loop         skip the loop device\n"
                + "  --no-dd           skip the dd comparison\n"
                + "  --json            print one JSON object instead of the table";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("dir", "iterations", "rounds");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("no-loop", "no-dd");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("bench-io: unexpected argument '" + args.positional().get(0) + "'");
        }
        int iterations = args.intValue("iterations", 2000, 10, 1_000_000);
        int rounds = args.intValue("rounds", 5, 1, 100);
        if (rounds > iterations) {
            throw new UsageException("bench-io: --rounds " + rounds + " exceeds --iterations " + iterations);
        }
        IoBenchmark.Config config = new IoBenchmark.Config(Path.of(args.string("dir", ".")), iterations, rounds,
                !args.flag("no-loop"), !args.flag("no-dd"));
        IoBenchmark.Report report = IoBenchmark.run(config, args.flag("json") ? null : err);
        out.print(args.flag("json") ? IoBenchmark.formatJson(report) + "\n" : IoBenchmark.formatText(report));
        return 0;
    }
}
