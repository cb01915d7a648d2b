package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.diskpaxos.activedisk.AgentKey;

/** {@code dplock agent-key --out FILE}: writes a new random pre-shared key for agents and their clients. */
final class AgentKeyCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "agent-key";
    }

    @Override
    public String summary() {
        return "write a new random key file for active-disk agents and their clients";
    }

    @Override
    public String help() {
        return "usage: dplock agent-key --out FILE\n\n"
                + "Writes 32 random bytes as 64 hex digits and a newline to FILE, created with mode 600; refuses to\n"
                + "overwrite an existing file. Copy the same file to every agent and client host (keep it private).";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("out");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("agent-key: unexpected argument '" + args.positional().get(0) + "'");
        }
        Path file = Path.of(args.required("out"));
        AgentKey.generate(file);
        out.println("wrote a new 32-byte key to " + file + " (mode 600)");
        return 0;
    }
}
