package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;

/** {@code dplock lockspace add|remove}: has the running daemon join or leave a lockspace without a restart. */
final class LockspaceCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "lockspace";
    }

    @Override
    public String summary() {
        return "have the running daemon join (add) or leave (remove) a lockspace";
    }

    @Override
    public String help() {
        return """
                usage: dplock lockspace add NAME --disks PATH[:OFFSET],... [--max-resources N] [--socket PATH]
                       dplock lockspace remove NAME [--socket PATH]

                add: the daemon joins lockspace NAME (formatted with dplock init) on its host id, as if it were in its
                config, and rejoins it after a loss; the config file is not changed. Blocks until joined (about two
                I/O timeouts) and prints the generation.
                remove: the daemon leaves NAME and frees its host id there at once; refused while leases in NAME are
                held through the daemon.
                Exit 70 if the daemon refuses (the reason is printed), 69 if no daemon answers.

                  --disks LIST         1, 3, 5 or 7 disks: PATH[:OFFSET] separated by commas
                  --max-resources N    resource slots the lockspace was initialised with (default as dplock init)
                  --socket PATH        the daemon's socket (default $DPLOCK_SOCKET, else /run/dplock/dplock.sock)""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("disks", "max-resources", "socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        List<String> pos = args.positional();
        if (pos.size() != 2 || !Set.of("add", "remove").contains(pos.get(0))) {
            throw new UsageException("lockspace: expected 'add NAME --disks ...' or 'remove NAME', got " + pos);
        }
        String verb = pos.get(0);
        String name = pos.get(1);
        Frame request;
        if (verb.equals("add")) {
            String disks = args.string("disks", null);
            if (disks == null || disks.isBlank()) {
                throw new UsageException("lockspace add: --disks is required (PATH[:OFFSET],...)");
            }
            request = args.has("max-resources")
                    ? Frame.of(Frame.Type.LOCKSPACE_ADD, 0, "lockspace", name, "disks", disks, "max_resources",
                    String.valueOf(args.intValue("max-resources", 0, 1, 128_000)))
                    : Frame.of(Frame.Type.LOCKSPACE_ADD, 0, "lockspace", name, "disks", disks);
        } else {
            if (args.has("disks") || args.has("max-resources")) {
                throw new UsageException("lockspace remove: --disks and --max-resources are for add only");
            }
            request = Frame.of(Frame.Type.LOCKSPACE_REMOVE, 0, "lockspace", name);
        }
        Frame reply;
        try (DaemonConnection c = DaemonConnection.open(DaemonAddress.socket(args), "dplock lockspace", null)) {
            reply = c.request(request).get();
        } catch (java.io.IOException e) {
            err.println("dplock lockspace: " + e.getMessage());
            return RunCommand.EXIT_NO_DAEMON;
        }
        if (reply.type() != Frame.Type.OK) {
            err.println("dplock lockspace: " + reply.get("error", "failed"));
            return RunCommand.EXIT_FAILURE;
        }
        out.println(verb.equals("add") ? "joined " + name + ", generation " + reply.get("generation", "?")
                : "left " + name);
        return 0;
    }
}
