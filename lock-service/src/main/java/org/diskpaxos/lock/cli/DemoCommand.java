package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.diskpaxos.lock.cluster.Demo;

/** {@code dplock demo}: the main job in one command; see {@link Demo}. */
final class DemoCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "three hosts, one lock, one crash: failover and fencing tokens as they happen (~25 s)";
    }

    @Override
    public String help() {
        return """
                usage: dplock demo [--dir DIR] [--keep] [--hosts N] [--workers N] [--before D] [--after D]
                                   [--hold D] [--profile fast|default]

                Needs no setup. Creates three disk files in DIR, formats a lockspace on them, starts one lock daemon
                per host (separate processes, own host id and socket), and runs clients on every host: each loops
                `dplock run demo/counter -- bash increment.sh`, which reads a shared counter, checks its fencing
                token against the last one written, and adds 1. After --before it SIGKILLs the host that holds the
                lock (its daemon and its clients) in the middle of an increment, prints how long until another host
                holds the lock, restarts the killed host, runs --after more, and checks the counter's log: no lost
                increment, tokens strictly increasing, no two critical sections overlapping. Exit 0 if all hold.
                Every process it started is killed at the end, also on Ctrl-C.

                  --dir DIR        where disks, sockets and logs go (default ./dplock-demo; emptied first)
                  --keep           keep the disk files afterwards (for `dplock dump DIR/a.img`)
                  --hosts N        hosts, 2..5 (default 3)
                  --workers N      clients per host, 1..8 (default 1)
                  --before D       clients run this long before the crash (default 6s)
                  --after D        and this long after the takeover (default 5s)
                  --hold D         each increment holds the lock this long (default 50ms)
                  --profile P      fast (io 250 ms, failover about 2 s; default) or default (io 2 s, about 14 s)""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("dir", "hosts", "workers", "before", "after", "hold", "profile");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("keep");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("demo: unexpected argument '" + args.positional().get(0) + "'");
        }
        String profile = args.string("profile", "fast");
        if (!profile.equals("fast") && !profile.equals("default")) {
            throw new UsageException("demo: --profile must be fast or default, got '" + profile + "'");
        }
        Demo demo = new Demo(Path.of(args.string("dir", "dplock-demo")).toAbsolutePath().normalize(),
                args.intValue("hosts", 3, 2, 5), args.intValue("workers", 1, 1, 8),
                args.duration("before", Duration.ofSeconds(6)), args.duration("after", Duration.ofSeconds(5)),
                args.duration("hold", Duration.ofMillis(50)), profile, args.flag("keep"));
        return demo.run(out);
    }
}
