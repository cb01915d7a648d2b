package org.diskpaxos.activedisk.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.wire.Frame;

/**
 * The options of {@code dplock agent}, parsed from option names to values in one place for the CLI command and for
 * {@link AgentMain}. Every problem is an {@link IllegalArgumentException} naming the option.
 */
public record AgentOptions(Path device, InetSocketAddress listen, Path keyFile, boolean init, String name,
        AgentGeometry geometry, boolean groupCommit, ServerLimits limits) {

    public static final String DEFAULT_LISTEN = "127.0.0.1:7450";
    public static final List<String> VALUED = List.of("device", "listen", "key", "name", "sector-size", "resources",
            "window", "cas-blocks", "max-connections", "max-frame-bytes", "max-in-flight", "max-pending");
    public static final List<String> FLAGS = List.of("init", "no-group-commit");
    private static final Set<String> INIT_ONLY = Set.of("name", "sector-size", "resources", "window", "cas-blocks");

    public static final String USAGE = "usage: dplock agent --device PATH --key FILE [--listen HOST:PORT] [--init "
            + "[--name NAME] [--sector-size 512|4096] [--resources N] [--window K] [--cas-blocks N]] "
            + "[--no-group-commit] [--max-connections N] [--max-frame-bytes N] [--max-in-flight N] "
            + "[--max-pending N]\n\n"
            + "Serves one active-disk agent: registers (rrRead, rrReadFrom, rrWrite), compare-and-write blocks and\n"
            + "stat over TCP, every frame authenticated with the pre-shared key, every change synced before it is\n"
            + "acknowledged. Runs in the foreground until SIGTERM or SIGINT.\n\n"
            + "options:\n"
            + "  --device PATH         the agent's file or block device (its registers live there)\n"
            + "  --key FILE            pre-shared key: 64+ hex digits or 32+ raw bytes, mode 600\n"
            + "                        (make one with 'dplock agent-key --out FILE')\n"
            + "  --listen HOST:PORT    where to listen (default " + DEFAULT_LISTEN + "; port 0 picks one)\n"
            + "  --init                format the device first (created if missing); refused on an agent device\n"
            + "  --name NAME           with --init: the agent's name (default: the host name)\n"
            + "  --sector-size B       with --init: 512 (default) or 4096, the unit of atomic writes\n"
            + "  --resources N         with --init: resource slots (default 1024)\n"
            + "  --window K            with --init: instances kept per resource (default 8, at most 64)\n"
            + "  --cas-blocks N        with --init: compare-and-write blocks (default 1024)\n"
            + "  --no-group-commit     one sync per request instead of one per batch (for comparisons)\n"
            + "  --max-connections N   open connections (default 256)\n"
            + "  --max-frame-bytes N   largest frame accepted (default " + Frame.FRAME_BYTES_MAX + ")\n"
            + "  --max-in-flight N     requests per connection waiting for the device (default 256)\n"
            + "  --max-pending N       requests of all connections waiting for the device (default 16384)";

    /** Parses option values (name without dashes to value) and flags. */
    public static AgentOptions parse(Map<String, String> values, Set<String> flags) {
        for (String k : values.keySet()) {
            if (!VALUED.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        for (String f : flags) {
            if (!FLAGS.contains(f)) {
                throw new IllegalArgumentException("unknown option --" + f);
            }
        }
        boolean init = flags.contains("init");
        if (!init) {
            for (String k : INIT_ONLY) {
                if (values.containsKey(k)) {
                    throw new IllegalArgumentException("--" + k + " only applies with --init (the device's layout "
                            + "is fixed when it is initialised)");
                }
            }
        }
        Path device = Path.of(required(values, "device"));
        Path key = Path.of(required(values, "key"));
        InetSocketAddress listen = parseAddress(values.getOrDefault("listen", DEFAULT_LISTEN), "--listen");
        String name = values.getOrDefault("name", hostName());
        AgentGeometry geometry;
        try {
            geometry = new AgentGeometry(number(values, "sector-size", 512, 512, 4096),
                    number(values, "resources", 1024, 1, AgentGeometry.RESOURCES_MAX),
                    number(values, "window", 8, 1, 64), number(values, "cas-blocks", 1024, 0,
                    AgentGeometry.CAS_BLOCKS_MAX));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sector-size/--resources/--window/--cas-blocks: " + e.getMessage());
        }
        if (org.diskpaxos.activedisk.format.Fields.utf8(name).length
                > org.diskpaxos.activedisk.AgentLimits.AGENT_NAME_BYTES_MAX) {
            throw new IllegalArgumentException("--name '" + name + "' is longer than "
                    + org.diskpaxos.activedisk.AgentLimits.AGENT_NAME_BYTES_MAX + " bytes");
        }
        ServerLimits d = ServerLimits.defaults();
        int inFlight = number(values, "max-in-flight", d.inFlightPerConnectionMax(), 1, 1 << 16);
        int pending = number(values, "max-pending", Math.max(d.inFlightTotalMax(), inFlight), inFlight, 1 << 20);
        ServerLimits limits = new ServerLimits(number(values, "max-connections", d.connectionsMax(), 1,
                ServerLimits.CONNECTIONS_LIMIT), number(values, "max-frame-bytes", d.frameBytesMax(),
                ServerLimits.FRAME_BYTES_LIMIT_MIN, Frame.FRAME_BYTES_MAX), inFlight, pending,
                d.outputBytesPerConnectionMax(), d.handshakeTimeoutMs());
        return new AgentOptions(device, listen, key, init, name, geometry, !flags.contains("no-group-commit"),
                limits);
    }

    private static String required(Map<String, String> values, String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    private static int number(Map<String, String> values, String name, int fallback, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    /** {@code HOST:PORT} or {@code [IPv6]:PORT}. */
    public static InetSocketAddress parseAddress(String text, String what) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(what + " must be HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": port must be a number, got '" + text.substring(colon + 1)
                    + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + ": port must be 0 to 65535, got " + port);
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException(what + ": cannot resolve host '" + host + "'");
        }
        return a;
    }

    private static String hostName() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName();
            return h.length() > 64 ? h.substring(0, 64) : h;
        } catch (java.net.UnknownHostException e) {
            return "agent";
        }
    }
}
