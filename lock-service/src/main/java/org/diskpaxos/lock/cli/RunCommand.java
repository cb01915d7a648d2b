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
                — even if the daemon is paused — and dplock exits 3. CMD runs with SIGKILL as its parent-death signal
                (setpriv --pdeathsig, when util-linux's setpriv is installed): if this wrapper dies, so does CMD.

                  --timeout D   how long to wait for the lease (default: forever); exit 1 if not acquired in time
                  --shared      a shared lease instead of an exclusive one
                  --grace D     between SIGTERM and SIGKILL of CMD when the lease is lost (default 1s, and never
                                more than the daemon's kill grace, which the other hosts' takeover time counts on)
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
                    String.valueOf(Math.min(timeout.toMillis(), 86_400_000L * 365)), "supervisor", "true")).get();
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
            long generation = Long.parseLong(reply.get("generation", "-1"));
            // Never slower than the daemon's own escalation: the other hosts' takeover time counts on it.
            Duration stopGrace = grace;
            if (reply.get("kill_grace_ms") != null) {
                stopGrace = Duration.ofMillis(Math.min(grace.toMillis(), Long.parseLong(reply.get("kill_grace_ms"))));
            }
            try (ValidityFile validity = ValidityFile.open(java.nio.file.Path.of(reply.get("validity_file", "")))) {
                ProcessBuilder pb = new ProcessBuilder(withParentDeathSignal(command)).inheritIO();
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
                Thread onSignal = stopOnSignal(child, stopGrace, () -> lostEvent.isDone()
                        || !valid(validity, resource.lockspace(), generation), lostEvent);
                try {
                    String lostReason = supervise(child, validity, resource.lockspace(), generation, lostEvent);
                    if (lostReason == null) {
                        int code = child.exitValue();
                        release(daemon, resource);
                        return code;
                    }
                    err.println("dplock run: lease " + resource + " (fence " + fence + ") lost: " + lostReason
                            + "; stopping the command");
                    stop(child, stopGrace);
                    if (Main.standalone) {
                        // The daemon's SIGTERM and, a kill grace later, SIGKILL are on their way to this wrapper
                        // too: exit 3 now rather than race them through the JVM's shutdown (a loaded machine
                        // took longer than the fast profile's 250 ms, and the wrapper died with 137).
                        err.flush();
                        Runtime.getRuntime().halt(EXIT_LOST);
                    }
                    return EXIT_LOST;
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(onSignal);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: it stops the child
                    }
                }
            }
        }
    }

    /**
     * The command line that starts {@code command} with SIGKILL as its parent-death signal ({@code setpriv
     * --pdeathsig KILL}, util-linux), so that if this wrapper dies (even by SIGKILL, when no hook runs) the child dies
     * with it instead of running on while the daemon releases the lease. Without setpriv the command is run as given.
     */
    static List<String> withParentDeathSignal(List<String> command) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            java.nio.file.Path setpriv = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, "setpriv");
            if (java.nio.file.Files.isExecutable(setpriv)) {
                List<String> c = new java.util.ArrayList<>(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
                c.addAll(command);
                return c;
            }
        }
        return command;
    }

    /**
     * If this wrapper is told to stop (SIGTERM, SIGINT: the daemon fencing it, or a user), the child must not outlive
     * it holding nothing: stop it too. If the lease was lost, exit {@link #EXIT_LOST}.
     */
    private static Thread stopOnSignal(Process child, Duration grace, java.util.function.BooleanSupplier lost,
                                       CompletableFuture<String> lostEvent) {
        Thread hook = new Thread(() -> {
            long startNs = System.nanoTime();
            try {
                if (child.isAlive()) {
                    stop(child, grace);
                }
                if (!lost.getAsBoolean()) {
                    // The daemon sends LEASE_LOST and then signals at once, from another thread: the signal can
                    // overtake the event (a lease lost to failing disks, before its deadline). Wait for it up to the
                    // kill grace from the signal (the daemon sends a supervisor its SIGKILL an I/O timeout after
                    // that); on a loaded machine the event took longer than a fixed 100 ms and the wrapper exited
                    // 143 instead of 3.
                    long leftMs = grace.toMillis() - (System.nanoTime() - startNs) / 1_000_000;
                    lostEvent.get(Math.max(100, leftMs), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException ignored) {
                // exiting anyway
            }
            // The daemon signals the child and this wrapper together when the lease is lost: exit 3 either way.
            if (lost.getAsBoolean()) {
                Runtime.getRuntime().halt(EXIT_LOST);
            }
        }, "dplock-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static boolean valid(ValidityFile validity, String lockspace, long generation) {
        long until = generation < 0 ? validity.validUntilNs(lockspace) : validity.validUntilNs(lockspace, generation);
        return until != 0 && System.nanoTime() < until;
    }

    /** Waits for the child to exit (null) or the lease to be lost (the reason), polling the local deadline. */
    private static String supervise(Process child, ValidityFile validity, String lockspace, long generation,
                                    CompletableFuture<String> lostEvent) throws InterruptedException {
        while (true) {
            if (child.waitFor(10, TimeUnit.MILLISECONDS)) {
                return null;
            }
            if (lostEvent.isDone()) {
                return lostEvent.getNow("lost");
            }
            if (!valid(validity, lockspace, generation)) {
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
