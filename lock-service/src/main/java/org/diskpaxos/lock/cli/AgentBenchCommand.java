package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.diskpaxos.activedisk.bench.AgentBenchmark;

/** {@code dplock agent-bench}: the active-disk agent's latencies next to a loopback round trip and an fdatasync. */
final class AgentBenchCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "agent-bench";
    }

    @Override
    public String summary() {
        return "measure the active-disk agent: rrWrite latency vs loopback RTT and fdatasync, group commit on/off";
    }

    @Override
    public String help() {
        return "usage: dplock agent-bench [--dir DIR] [--seconds S] [--warmup-seconds W] [--clients N,N,...] [--json]\n\n"
                + "In one run, on this machine: a loopback TCP round trip, one 512 B pwrite + fdatasync in DIR, the\n"
                + "agent's round trip without a sync, and rrWrite latency (p50/p99) and throughput with each number of\n"
                + "concurrent clients (own connection and register each), against an agent with group commit and one\n"
                + "without. The agent runs in this JVM on a device file in DIR (removed afterwards).\n\n"
                + "options:\n"
                + "  --dir DIR              where the device files go (default: .); the disk to measure, not a tmpfs\n"
                + "  --seconds S            measuring time per line, 0.1 to 600 (default 3)\n"
                + "  --warmup-seconds W     warm-up before each line (default 1)\n"
                + "  --clients N,N,...      concurrent client counts, each 1 to 1024 (default 1,64)\n"
                + "  --json                 one JSON object instead of the table";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("dir", "seconds", "warmup-seconds", "clients");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("agent-bench: unexpected argument '" + args.positional().get(0) + "'");
        }
        long measureMs = args.duration("seconds", java.time.Duration.ofSeconds(3)).toMillis();
        long warmupMs = args.duration("warmup-seconds", java.time.Duration.ofSeconds(1)).toMillis();
        List<Integer> clients;
        try {
            clients = java.util.Arrays.stream(args.string("clients", "1,64").split(",")).map(String::trim)
                    .map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new UsageException("agent-bench: --clients must be numbers separated by commas, got '"
                    + args.string("clients", "") + "'");
        }
        AgentBenchmark.Config config;
        try {
            config = new AgentBenchmark.Config(Path.of(args.string("dir", ".")), measureMs, warmupMs, clients);
        } catch (IllegalArgumentException e) {
            throw new UsageException("agent-bench: " + e.getMessage());
        }
        AgentBenchmark.Report report = AgentBenchmark.run(config, args.flag("json") ? null : err);
        out.print(args.flag("json") ? AgentBenchmark.formatJson(report) + "\n" : AgentBenchmark.formatText(report));
        return 0;
    }
}
