package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.Superblock;

/**
 * Runs one agent in the foreground: {@code dplock agent} calls {@link #run}; {@link #main} is the same for
 * {@code java -cp ... org.diskpaxos.activedisk.server.AgentMain --device ... --key ...} (the multi-process tests).
 * Once listening it prints one line starting with {@value #READY_PREFIX} and the address.
 */
public final class AgentMain {
    public static final String READY_PREFIX = "agent listening on ";
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 64;

    private AgentMain() {
    }

    public static void main(String[] argv) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                System.err.println("agent: unexpected argument '" + a + "'");
                System.exit(EXIT_USAGE);
            }
            String name = a.substring(2);
            if (AgentOptions.FLAGS.contains(name)) {
                flags.add(name);
            } else if (i + 1 < argv.length) {
                values.put(name, argv[++i]);
            } else {
                System.err.println("agent: option " + a + " needs a value");
                System.exit(EXIT_USAGE);
            }
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(values, flags);
        } catch (IllegalArgumentException e) {
            System.err.println("agent: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        System.exit(run(options, System.out, System.err));
    }

    /** Serves until stopped (SIGTERM/SIGINT) or until the device fails; returns the exit code. */
    public static int run(AgentOptions o, PrintStream out, PrintStream err) {
        return run(o, out, err, new java.util.concurrent.CompletableFuture<>());
    }

    /** As {@link #run(AgentOptions, PrintStream, PrintStream)}; completing {@code stop} also stops the agent. */
    public static int run(AgentOptions o, PrintStream out, PrintStream err,
            java.util.concurrent.CompletableFuture<Void> stop) {
        AgentKey key;
        try {
            key = AgentKey.load(o.keyFile());
        } catch (IOException e) {
            err.println("agent: " + e.getMessage());
            return EXIT_FAILURE;
        }
        AgentDevice device;
        AgentServer server;
        try {
            if (o.init()) {
                AgentDevice.initialise(o.device(), new AgentDevice.InitOptions(o.name(), o.geometry()),
                        line -> err.println("agent: " + line));
            }
            device = AgentDevice.open(o.device(), new CoreOptions(o.groupCommit(), o.limits().inFlightTotalMax()),
                    line -> err.println("agent: " + line));
        } catch (IOException | IllegalArgumentException e) {
            err.println("agent: " + e.getMessage());
            return EXIT_FAILURE;
        }
        try {
            server = AgentServer.start(device, key, o.listen(), o.limits(), line -> err.println("agent: " + line));
        } catch (IOException e) {
            err.println("agent: " + e.getMessage());
            closeQuietly(device);
            return EXIT_FAILURE;
        }
        Superblock sb = device.superblock();
        Thread hook = new Thread(() -> {
            server.close();
            closeQuietly(device);
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stop.thenRun(server::close);
        out.println(READY_PREFIX + server.address().getHostString() + ":" + server.address().getPort() + " (agent '"
                + sb.name() + "', id " + sb.idHex() + ", device " + o.device() + ", "
                + device.core().resourceNames().size() + " of " + sb.geometry().resourcesMax() + " resources in use"
                + (o.groupCommit() ? "" : ", group commit off") + ")");
        out.flush();
        String failure;
        try {
            failure = server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return 0;
        }
        closeQuietly(device);
        if (failure != null) {
            err.println("agent: " + failure);
            return EXIT_FAILURE;
        }
        return 0;
    }

    private static void closeQuietly(AgentDevice device) {
        try {
            device.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
