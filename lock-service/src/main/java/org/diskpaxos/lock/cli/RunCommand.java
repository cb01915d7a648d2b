package org.diskpaxos.lock.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.daemon.DaemonConnection;
import org.diskpaxos.lock.daemon.Frame;
import org.diskpaxos.lock.daemon.ValidityFile;

/**
 * {@code dplock run LOCKSPACE/RESOURCE -- CMD ARGS...}: holds a lease through the local daemon while a command runs
 * (flock/etcdctl-lock style).
 *
 * <p>The child is stopped (SIGTERM, then SIGKILL after the grace period) when the lease is lost — told by the daemon,
 * or, without waiting for it, when this wrapper sees the deadline the daemon publishes in its validity file pass on
 * the host's monotonic clock: a paused or hung daemon cannot keep the child running past its lease. The daemon
 * itself also stops this wrapper and its descendants on loss.
 *
 * <p>Exit codes: the child's; 1 if the lease was not acquired within {@code --timeout}; 3 if the lease was lost
 * and the child stopped; 64 usage; 69 no daemon; 70 other failures.
 */
final class RunCommand implements Command, OptionSpec {

    static final int EXIT_NOT_ACQUIRED = 1;
    static final int EXIT_LOST = 3;
    static final int EXIT_NO_DAEMON = 69;
    static final int EXIT_FAILURE = 70;

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "run a command while holding a lease (token in DPLOCK_FENCE)";
    }

    @Override
    public String help() {
        return """
                usage: dplock run LOCKSPACE/RESOURCE [--shared] [--timeout D] [--grace D] [--socket PATH] -- CMD ARGS...

                Acquires the lease through the local daemon, runs CMD with DPLOCK_FENCE (the fencing token),
                DPLOCK_RESOURCE and DPLOCK_SEQUENCER in its environment, releases the lease when CMD exits, and exits
                with CMD's exit code. If the lease is lost while CMD runs, CMD gets SIGTERM and, after --grace, SIGKILL
                — even if the daemon is paused — and dplock exits 3.

                  --timeout D   how long to wait for the lease (default: forever); exit 1 if not acquired in time
                  --shared      a shared lease instead of an exclusive one
                  --grace D     between SIGTERM and SIGKILL of CMD when the lease is lost (default 1s)
                  --socket PATH the daemon's socket (default $DPLOCK_SOCKET or /run/dplock/dplock.sock)""";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("timeout", "grace", "socket");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("shared");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws Exception {
        if (args.positional().size() != 1) {
            throw new UsageException("run: give exactly one LOCKSPACE/RESOURCE before --, got " + args.positional());
        }
        List<String> command = args.afterDoubleDash();
        if (command.isEmpty()) {
            throw new UsageException("run: give the command after --, e.g. dplock run ls/res -- ./job.sh");
        }
        ResourceId resource;
        try {
            resource = ResourceId.parse(args.positional().get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException("run: " + e.getMessage());
        }
        Duration timeout = args.duration("timeout", Duration.ofDays(365));
        Duration grace = args.duration("grace", Duration.ofSeconds(1));
        CompletableFuture<String> lostEvent = new CompletableFuture<>();
        DaemonConnection daemon;
        try {
            daemon = DaemonConnection.open(DaemonAddress.socket(args), "dplock run " + resource, event -> {
                String kind = event.get("event", "");
                if (kind.equals("LEASE_LOST") && event.get("resource", "").equals(resource.toString())) {
                    lostEvent.complete(event.get("reason", "lost"));
                } else if (kind.equals("DISCONNECTED")) {
                    lostEvent.complete("the connection to the daemon broke: " + event.get("reason", ""));
                }
            });
        } catch (IOException e) {
            err.println("dplock run: " + e.getMessage());
            return EXIT_NO_DAEMON;
        }
        try (daemon) {
            Frame reply = daemon.request(Frame.of(Frame.Type.ACQUIRE, 0, "resource", resource.toString(), "mode",
                    args.flag("shared") ? "SHARED" : "EXCLUSIVE", "timeout_ms",
                    String.valueOf(Math.min(timeout.toMillis(), 86_400_000L * 365)))).get();
            if (reply.type() == Frame.Type.BUSY) {
                err.println("dplock run: " + resource + " not acquired within " + timeout.toMillis() + " ms: "
                        + reply.get("error", "held by another host"));
                return EXIT_NOT_ACQUIRED;
            }
            if (reply.type() != Frame.Type.OK) {
                err.println("dplock run: " + reply.get("error", "acquire failed"));
                return EXIT_FAILURE;
            }
            String fence = reply.get("fence", "0");
            try (ValidityFile validity = ValidityFile.open(java.nio.file.Path.of(reply.get("validity_file", "")))) {
                ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
                pb.environment().put("DPLOCK_FENCE", fence);
                pb.environment().put("DPLOCK_RESOURCE", resource.toString());
                pb.environment().put("DPLOCK_SEQUENCER", resource + ":" + (args.flag("shared") ? "sh" : "ex") + ":"
                        + fence);
                Process child;
                try {
                    child = pb.start();
                } catch (IOException e) {
                    err.println("dplock run: cannot start '" + command.get(0) + "': " + e.getMessage());
                    release(daemon, resource);
                    return 127;
                }
                String lostReason = supervise(child, validity, resource.lockspace(), lostEvent);
                if (lostReason == null) {
                    int code = child.exitValue();
                    release(daemon, resource);
                    return code;
                }
                err.println("dplock run: lease " + resource + " (fence " + fence + ") lost: " + lostReason
                        + "; stopping the command");
                stop(child, grace);
                return EXIT_LOST;
            }
        }
    }

    /** Waits for the child to exit (null) or the lease to be lost (the reason), polling the local deadline. */
    private static String supervise(Process child, ValidityFile validity, String lockspace,
                                    CompletableFuture<String> lostEvent) throws InterruptedException {
        while (true) {
            if (child.waitFor(10, TimeUnit.MILLISECONDS)) {
                return null;
            }
            if (lostEvent.isDone()) {
                return lostEvent.getNow("lost");
            }
            long until = validity.validUntilNs(lockspace);
            if (until == 0 || System.nanoTime() >= until) {
                return "the lease's deadline passed without a renewal from the daemon";
            }
        }
    }

    private static void stop(Process child, Duration grace) throws InterruptedException {
        child.descendants().forEach(ProcessHandle::destroy);
        child.destroy();
        if (!child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void release(DaemonConnection daemon, ResourceId resource) {
        try {
            daemon.request(Frame.of(Frame.Type.RELEASE, 0, "resource", resource.toString())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the connection closes next; the daemon releases the lease then
        }
    }
}
