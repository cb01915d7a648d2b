package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;

/**
 * {@code dplock acquire}: takes a lease through the daemon on behalf of a process (by default this command's
 * parent, the calling shell) and leaves it held after this command exits: it is released by {@code dplock release},
 * or when that process exits. For scripts; prefer {@code dplock run}.
 */
final class AcquireCommand implements Command, OptionSpec {

    @Override
    public String name() {
        return "acquire";
    }

    @Override
    public String summary() {
        return "acquire a lease for a process (scripts); prints the fencing token";
    }

    @Override
    public String help() {
        return """
                usage: dplock acquire LOCKSPACE/RESOURCE [--pid PID] [--shared] [--timeout D] [--socket PATH] [--json]

                Acquires the lease through the local daemon for process PID (default: the caller, i.e. the parent of
                this command) and prints its fencing token. The lease stays held after this command exits, until
                `dplock release` or until PID exits; if it is lost, the daemon stops PID (SIGTERM, then SIGKILL).
                Exit 1 if not acquired within --timeout (default 0: try once).""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("pid", "timeout", "socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("shared");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.positional().size() != 1) {
            throw new UsageException("acquire: give exactly one LOCKSPACE/RESOURCE, got " + args.positional());
        }
        ResourceId resource;
        try {
            resource = ResourceId.parse(args.positional().get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException("acquire: " + e.getMessage());
        }
        long pid = args.longValue("pid", ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L), 1,
                Long.MAX_VALUE);
        Duration timeout = args.duration("timeout", Duration.ZERO);
        Frame reply;
        try (DaemonConnection c = DaemonConnection.open(DaemonAddress.socket(args), "dplock acquire", null)) {
            reply = c.request(Frame.of(Frame.Type.ACQUIRE, 0, "resource", resource.toString(), "mode",
                    args.flag("shared") ? "SHARED" : "EXCLUSIVE", "timeout_ms", String.valueOf(timeout.toMillis()),
                    "pid", String.valueOf(pid), "detach", "true")).get();
        } catch (java.io.IOException e) {
            err.println("dplock acquire: " + e.getMessage());
            return RunCommand.EXIT_NO_DAEMON;
        }
        if (reply.type() == Frame.Type.BUSY) {
            err.println("dplock acquire: " + reply.get("error", resource + " is held by another host"));
            return RunCommand.EXIT_NOT_ACQUIRED;
        }
        if (reply.type() != Frame.Type.OK) {
            err.println("dplock acquire: " + reply.get("error", "failed"));
            return RunCommand.EXIT_FAILURE;
        }
        if (args.flag("json")) {
            out.println(Json.object(java.util.Map.of("resource", resource.toString(), "fence", reply.get("fence", "0"),
                    "pid", String.valueOf(pid))));
        } else {
            out.println(reply.get("fence", "0"));
        }
        return 0;
    }
}
