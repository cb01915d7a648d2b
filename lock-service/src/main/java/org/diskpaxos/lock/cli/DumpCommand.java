package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.diskpaxos.lock.daemon.DaemonConfig;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.lock.inspect.DiskDump;

/**
 * {@code dplock dump PATH[:OFFSET]...}: what a disk holds, in words, read-only and without a daemon (sanlock's
 * {@code direct dump}, but saying who holds what): a lockspace with its host slots, resource index and every
 * resource, or a single area.
 */
final class DumpCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "dump";
    }

    @Override
    public String summary() {
        return "show what a disk holds: hosts, resources, owners, fencing tokens (read-only, no daemon)";
    }

    @Override
    public String help() {
        return """
                usage: dplock dump PATH[:OFFSET] [PATH[:OFFSET]...] [--watch D] [--json]

                Reads the area at OFFSET (default 0; bytes, or with K/M/G) of each disk or file and describes it:
                a lockspace (name, geometry, every host slot in use with its host id, unique name, generation and
                timestamp; then the resource index and every resource it lists), a single resource lease area, or a
                resource index. A resource shows its fencing token (lver), its owner or that it is free, whether the
                owner's host is still a member, shared holders (mode blocks), a pending request, and the hosts' ballot
                blocks, each with its disk offset. It only reads, and needs no daemon.

                A timestamp is its writer's own clock: only a change means anything. --watch D re-reads the lockspace
                for D and reports each host as ALIVE (renewed meanwhile), NOT_RENEWING (silent for longer than a live
                host may be) or UNCHANGED (watch longer). Without it, slots written in this boot of this machine are
                aged on this machine's clock.

                  --watch D   watch host slots for D (e.g. 3s) to judge liveness
                  --json      one JSON object per PATH, one per line""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("watch");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.positional().isEmpty()) {
            throw new UsageException("dump: give at least one PATH[:OFFSET], e.g. dplock dump a.img or a.img:3M");
        }
        Duration watch = args.duration("watch", Duration.ZERO);
        if (watch.compareTo(DiskDump.WATCH_MAX) > 0) {
            throw new UsageException("dump: --watch must be at most " + DiskDump.WATCH_MAX.toMinutes() + "m, got "
                    + args.string("watch", ""));
        }
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (String spec : args.positional()) {
            EmbeddedLeaseClient.Disk d;
            try {
                d = DaemonConfig.parseDisk("dump", spec);
            } catch (DaemonConfig.ConfigException e) {
                throw new UsageException(e.getMessage());
            }
            if (!Files.exists(d.path())) {
                throw new UsageException("dump: " + d.path() + " does not exist");
            }
            disks.add(d);
        }
        int failures = 0;
        for (EmbeddedLeaseClient.Disk d : disks) {
            DiskDump.Result r;
            try {
                r = DiskDump.read(d.path(), d.baseOffsetBytes(), watch);
            } catch (IllegalArgumentException | java.io.IOException e) {
                err.println("dplock dump: " + d.path() + ": " + Main.describe(e));
                failures++;
                continue;
            }
            if (args.flag("json")) {
                out.println(DumpRendering.json(r));
            } else {
                DumpRendering.text(r, out);
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
