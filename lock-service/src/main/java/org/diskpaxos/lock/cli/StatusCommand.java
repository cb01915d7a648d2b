package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;

/** {@code dplock status}: what the local daemon is doing: lockspaces, membership, leases and their holders. */
final class StatusCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show the local daemon's lockspaces, memberships and leases";
    }

    @Override
    public String help() {
        return """
                usage: dplock status [--socket PATH] [--json]

                Asks the local daemon for its state: each lockspace with this host's membership (JOINED or LOST,
                generation, how long its leases stay valid without a renewal), and every lease held through it with
                its fencing token and holder. Exit 69 if no daemon answers.""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (!args.positional().isEmpty()) {
            throw new UsageException("status: unexpected argument '" + args.positional().get(0) + "'");
        }
        Frame status;
        try (DaemonConnection c = DaemonConnection.open(DaemonAddress.socket(args), "dplock status", null)) {
            status = c.request(Frame.of(Frame.Type.STATUS, 0)).get();
        } catch (java.io.IOException e) {
            err.println("dplock status: " + e.getMessage());
            return 69;
        }
        if (status.type() != Frame.Type.OK) {
            err.println("dplock status: " + status.get("error", "failed"));
            return 1;
        }
        Map<String, String> f = status.fields();
        if (args.flag("json")) {
            out.println(Json.object(f));
            return 0;
        }
        out.println("host id " + f.get("host_id") + ", socket " + f.get("socket") + ", " + f.get("connections")
                + " client connections");
        out.println("timeouts: " + f.get("timeouts"));
        int lockspaces = Integer.parseInt(f.getOrDefault("lockspaces", "0"));
        for (int i = 0; i < lockspaces; i++) {
            String p = "lockspace." + i + ".";
            out.println("lockspace " + f.get(p + "name") + ": " + f.get(p + "state") + ", generation "
                    + f.get(p + "generation") + ", leases valid for another " + f.get(p + "valid_for_ms") + " ms"
                    + (f.containsKey(p + "lost_reason") ? " (lost: " + f.get(p + "lost_reason") + ")" : ""));
        }
        int leases = Integer.parseInt(f.getOrDefault("leases", "0"));
        if (leases == 0) {
            out.println("no leases held");
        }
        for (int i = 0; i < leases; i++) {
            String p = "lease." + i + ".";
            out.println("lease " + f.get(p + "resource") + ": fence " + f.get(p + "fence") + ", " + f.get(p + "state")
                    + ", held by " + f.get(p + "client") + ", stops pid " + f.get(p + "victim") + " if lost");
        }
        return 0;
    }
}
