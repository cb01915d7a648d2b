package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.Set;
import org.diskpaxos.lock.example.EmbeddedExample;

/** {@code dplock example}: runs {@link EmbeddedExample}, the embedded lease API from formatting to failover. */
final class ExampleCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "example";
    }

    @Override
    public String summary() {
        return "run the embedded lease API example: format, join, fence, lose a lease in a pause, fail over";
    }

    @Override
    public String help() {
        return "usage: dplock example [DIR]\n\n"
                + "Runs org.diskpaxos.lock.example.EmbeddedExample (its source is the documentation): two hosts in\n"
                + "this JVM on three files in a fresh directory under DIR (default /var/tmp, removed afterwards)\n"
                + "format a lockspace, join, and use a lease with its fencing token; the JVM is then stopped for\n"
                + "2.5 s, so the lease turns LOST, the other host takes over with a higher token, and a store that\n"
                + "checks tokens refuses the stale holder's late write. Takes about 10 s.";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of();
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.positional().size() > 1) {
            throw new UsageException("example: at most one directory, got " + args.positional());
        }
        if (args.flag("json")) {
            throw new UsageException("example: --json is not supported");
        }
        EmbeddedExample.runInFreshDirectory(java.nio.file.Path.of(args.positional().isEmpty() ? "/var/tmp"
                : args.positional().get(0)), out);
        return 0;
    }
}
