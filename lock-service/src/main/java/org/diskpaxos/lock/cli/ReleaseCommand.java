package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.Set;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;

/** {@code dplock release}: releases a lease taken with {@code dplock acquire}. */
final class ReleaseCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "release";
    }

    @Override
    public String summary() {
        return "release a lease taken with dplock acquire";
    }

    @Override
    public String help() {
        return """
                usage: dplock release LOCKSPACE/RESOURCE [--pid PID] [--socket PATH]

                Releases the lease the daemon holds for PID (default: the caller, i.e. the parent of this command).""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("pid", "socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.positional().size() != 1) {
            throw new UsageException("release: give exactly one LOCKSPACE/RESOURCE, got " + args.positional());
        }
        ResourceId resource;
        try {
            resource = ResourceId.parse(args.positional().get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException("release: " + e.getMessage());
        }
        long pid = args.longValue("pid", ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L), 1,
                Long.MAX_VALUE);
        Frame reply;
        try (DaemonConnection c = DaemonConnection.open(DaemonAddress.socket(args), "dplock release", null)) {
            reply = c.request(Frame.of(Frame.Type.RELEASE, 0, "resource", resource.toString(), "pid",
                    String.valueOf(pid))).get();
        } catch (java.io.IOException e) {
            err.println("dplock release: " + e.getMessage());
            return RunCommand.EXIT_NO_DAEMON;
        }
        if (reply.type() != Frame.Type.OK) {
            err.println("dplock release: " + reply.get("error", "failed"));
            return RunCommand.EXIT_FAILURE;
        }
        out.println(reply.get("result", "RELEASED"));
        return 0;
    }
}
