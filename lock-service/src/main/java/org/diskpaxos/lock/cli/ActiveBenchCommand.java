package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.server.AgentOptions;
import org.diskpaxos.paxos.active.bench.ActiveBenchmark;

/** {@code dplock bench --mode active}: Active Disk Paxos decisions against running agents ({@link ActiveBenchmark}). */
final class ActiveBenchCommand {
    static final String HELP = "With --mode active: --clients client processes (a process id and resource each)\n"
            + "decide instance after instance with Active Disk Paxos on the agents at --agents (started with\n"
            + "'dplock agent', --resources at least the clients); the run reports decision latency (p50/p90/p99)\n"
            + "and decisions/s next to a loopback TCP round trip and one 512 B write + fdatasync in DIR, measured\n"
            + "in the same run.\n"
            + "  --agents H:P,...     the agents (1, 3 or 5)\n"
            + "  --key FILE           their pre-shared key\n"
            + "  --clients N          client processes, 1 to 100000 (default 10)\n"
            + "  --think D            pause of each client between decisions (default 0: back to back)\n"
            + "  --duration D         measuring time (default 6s); --warmup D before it (default 1s)\n"
            + "  --dir DIR            where the fdatasync floor is measured: the agents' file system (default .)";

    private ActiveBenchCommand() {
    }

    static int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.flag("failover")) {
            throw new UsageException("bench: --failover is for --mode disk");
        }
        if (!args.has("agents") || !args.has("key")) {
            throw new UsageException("bench: --mode active needs --agents HOST:PORT,... and --key FILE");
        }
        List<InetSocketAddress> agents = new ArrayList<>();
        ActiveBenchmark.Config config;
        try {
            for (String a : args.string("agents", "").split(",")) {
                agents.add(AgentOptions.parseAddress(a.trim(), "--agents"));
            }
            config = new ActiveBenchmark.Config(agents, Path.of(args.string("key", "")), Path.of(args.string("dir",
                    ".")), args.duration("duration", Duration.ofSeconds(6)).toNanos(),
                    args.duration("warmup", Duration.ofSeconds(1)).toNanos(), args.intValue("clients", 10, 1, 100_000),
                    args.duration("think", Duration.ZERO).toNanos());
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
        boolean json = args.flag("json");
        ActiveBenchmark.Report report = ActiveBenchmark.run(config, json ? null : err);
        out.print(json ? ActiveBenchmark.formatJson(report) + "\n" : ActiveBenchmark.formatText(report));
        return report.decisions().count() == 0 ? Main.EXIT_FAILURE : 0;
    }
}
