package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.diskpaxos.lock.daemon.DaemonConfig;
import org.diskpaxos.lock.daemon.DaemonLog;
import org.diskpaxos.lock.daemon.LockDaemon;

/** {@code dplock daemon}: runs the lock daemon of this host until SIGTERM or SIGINT. */
final class DaemonCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public String summary() {
        return "run the lock daemon of this host (joins lockspaces, serves clients, fences)";
    }

    @Override
    public String help() {
        return """
                usage: dplock daemon [--config FILE] [--host-id N] [--socket PATH] [--profile default|fast]
                                     [--io-timeout D] [--lockspace NAME=PATH[:OFFSET][,PATH[:OFFSET]...]]
                                     [--metrics HOST:PORT] [--host-name NAME] [--debug]

                Joins every configured lockspace with this host's id, serves local clients on a Unix socket, and
                stops (SIGTERM, then SIGKILL) the holders of leases it loses, before any other host may take them.
                Flags override the config file (see DaemonConfig for its keys). Runs until SIGTERM or SIGINT; as a
                systemd Type=notify service it reports READY once joined.

                  --config FILE        properties file (host_id, socket, profile|io_timeout, lockspace.NAME.disks ...)
                  --host-id N          this host's id in its lockspaces (1..2000), unique among live hosts
                  --socket PATH        the clients' socket (default /run/dplock/dplock.sock)
                  --profile P          timeouts: default (io 2 s, failover ~14 s) or fast (io 250 ms, ~1.8 s)
                  --io-timeout D       the I/O timeout every other timeout derives from, e.g. 500ms
                  --lockspace SPEC     NAME=PATH[:OFFSET],... a lockspace to join (512-byte sectors, 1M areas)
                  --metrics HOST:PORT  serve Prometheus metrics at http://HOST:PORT/metrics
                  --host-name NAME     the readable part of this host's unique name""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("config", "host-id", "socket", "profile", "io-timeout", "lockspace", "metrics", "host-name");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("debug");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("daemon: unexpected argument '" + args.positional().get(0) + "'");
        }
        DaemonConfig config;
        try {
            config = DaemonConfig.from(properties(args));
        } catch (DaemonConfig.ConfigException e) {
            throw new UsageException("daemon: " + e.getMessage());
        }
        DaemonLog log = new DaemonLog(err, args.flag("debug"));
        LockDaemon daemon = LockDaemon.start(config, log);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stop.countDown();
        }, "dplock-shutdown"));
        stop.await();
        return 0;
    }

    static Properties properties(Args args) throws UsageException {
        Properties p = new Properties();
        if (args.has("config")) {
            try {
                p.putAll(DaemonConfig.load(Path.of(args.string("config", ""))));
            } catch (DaemonConfig.ConfigException e) {
                throw new UsageException("daemon: --config: " + e.getMessage());
            }
        }
        copy(args, p, "host-id", "host_id");
        copy(args, p, "socket", "socket");
        copy(args, p, "profile", "profile");
        copy(args, p, "io-timeout", "io_timeout");
        copy(args, p, "metrics", "metrics");
        copy(args, p, "host-name", "host_name");
        if (args.has("lockspace")) {
            String spec = args.string("lockspace", "");
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new UsageException("daemon: --lockspace must be NAME=PATH[:OFFSET][,PATH[:OFFSET]...], got '"
                        + spec + "'");
            }
            p.setProperty("lockspace." + spec.substring(0, eq) + ".disks", spec.substring(eq + 1).replace(',', ' '));
        }
        return p;
    }

    private static void copy(Args args, Properties p, String flag, String key) {
        if (args.has(flag)) {
            p.setProperty(key, args.string(flag, ""));
        }
    }
}
