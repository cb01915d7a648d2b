package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.diskpaxos.activedisk.server.AgentMain;
import org.diskpaxos.activedisk.server.AgentOptions;

/**
 * {@code dplock agent}: runs one active-disk agent in the foreground (the logic lives in active-disk-sim,
 * {@link AgentMain}; this only maps the command line onto it).
 */
final class AgentCommand implements Command, OptionSpec {
    /** Completing it stops an agent started by {@link #run} (tests); the CLI never completes it. */
    private final CompletableFuture<Void> stop;

    AgentCommand() {
        this(new CompletableFuture<>());
    }

    AgentCommand(CompletableFuture<Void> stop) {
        this.stop = stop;
    }

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public String summary() {
        return "serve an active-disk agent: ranked registers on one device, over authenticated TCP";
    }

    @Override
    public String help() {
        return AgentOptions.USAGE;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.copyOf(AgentOptions.VALUED);
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.copyOf(AgentOptions.FLAGS);
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("agent: unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.flag("json")) {
            throw new UsageException("agent: --json is not supported; the agent logs lines to stderr");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : AgentOptions.VALUED) {
            if (args.has(name)) {
                values.put(name, args.string(name, null));
            }
        }
        Set<String> flags = new LinkedHashSet<>();
        for (String name : AgentOptions.FLAGS) {
            if (args.flag(name)) {
                flags.add(name);
            }
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(values, flags);
        } catch (IllegalArgumentException e) {
            throw new UsageException("agent: " + e.getMessage());
        }
        return AgentMain.run(options, out, err, stop);
    }
}
