package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.embedded.EmbeddedLeaseClient;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * The lock daemon's configuration: a properties file, overridden by command-line flags.
 * <pre>
 *  host_id       = 3                          # this host's id in every lockspace, 1..max hosts (required)
 *  socket        = /run/dplock/dplock.sock    # the clients' Unix socket
 *  io_timeout    = 2s                         # or: profile = fast (250 ms) | default (2 s)
 *  allowed_uids  = 0 1000                     # who may connect (default: root and the daemon's user)
 *  metrics       = 127.0.0.1:9790             # Prometheus text format over HTTP (off if absent)
 *  host_name     = db3                        # readable part of the unique host name (default: hostname)
 *  lockspace.vms.disks         = /dev/sdb:0 /dev/sdc:0 /dev/sdd:0
 *  lockspace.vms.sector_size   = 512          # 512 or 4096 (default 512)
 *  lockspace.vms.align         = 1M           # 1M, 2M, 4M, 8M (default 1M)
 *  lockspace.vms.max_resources = 4096
 * </pre>
 * Every problem is reported with the key (or flag) that holds it and what to do.
 */
public record DaemonConfig(int hostId, Path socket, LeaseTimeouts timeouts, Set<Integer> allowedUids,
                           String metrics, String hostName, List<LockspaceConfig> lockspaces) {

    /** One lockspace the daemon joins. */
    public record LockspaceConfig(String name, List<EmbeddedLeaseClient.Disk> disks, AreaGeometry geometry,
                                  int maxResources) {
    }

    public static final Path DEFAULT_SOCKET = Path.of("/run/dplock/dplock.sock");
    private static final Set<String> KEYS = Set.of("host_id", "socket", "io_timeout", "profile", "allowed_uids",
            "metrics", "host_name");

    /** Problems in the configuration; the message names the key. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message);
        }
    }

    public static Properties load(Path file) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config file " + file + ": " + e.getMessage());
        }
        return p;
    }

    /** Builds and validates a configuration from properties (file values with flags already merged in). */
    public static DaemonConfig from(Properties p) throws ConfigException {
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key) && !key.startsWith("lockspace.")) {
                throw new ConfigException("unknown setting '" + key + "'");
            }
        }
        String hostIdText = p.getProperty("host_id");
        if (hostIdText == null) {
            throw new ConfigException("host_id is required (this host's id in its lockspaces, 1..2000)");
        }
        int hostId = parseInt("host_id", hostIdText, 1, 2000);
        Path socket = Path.of(p.getProperty("socket", DEFAULT_SOCKET.toString()).trim());
        LeaseTimeouts timeouts = timeouts(p);
        Set<Integer> uids = new TreeSet<>();
        String uidText = p.getProperty("allowed_uids");
        if (uidText != null) {
            for (String u : uidText.trim().split("[\\s,]+")) {
                uids.add(parseInt("allowed_uids", u, 0, Integer.MAX_VALUE));
            }
        }
        String metrics = p.getProperty("metrics");
        if (metrics != null && !metrics.trim().matches("[^:\\s]+:\\d{1,5}")) {
            throw new ConfigException("metrics must be HOST:PORT, got '" + metrics + "'");
        }
        Map<String, Properties> byLockspace = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith("lockspace.")) {
                int dot = key.lastIndexOf('.');
                if (dot <= "lockspace.".length()) {
                    throw new ConfigException("setting '" + key + "' must be lockspace.NAME.KEY");
                }
                String name = key.substring("lockspace.".length(), dot);
                byLockspace.computeIfAbsent(name, n -> new Properties()).setProperty(key.substring(dot + 1),
                        p.getProperty(key));
            }
        }
        List<LockspaceConfig> lockspaces = new ArrayList<>();
        for (Map.Entry<String, Properties> e : byLockspace.entrySet()) {
            lockspaces.add(lockspace(e.getKey(), e.getValue()));
        }
        return new DaemonConfig(hostId, socket, timeouts, uids, metrics == null ? null : metrics.trim(),
                p.getProperty("host_name"), List.copyOf(lockspaces));
    }

    private static LeaseTimeouts timeouts(Properties p) throws ConfigException {
        String profile = p.getProperty("profile");
        String io = p.getProperty("io_timeout");
        if (profile != null && io != null) {
            throw new ConfigException("set either profile or io_timeout, not both");
        }
        if (io != null) {
            try {
                return LeaseTimeouts.ofIoTimeout(parseDuration(io.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("io_timeout: " + e.getMessage());
            }
        }
        if (profile == null || profile.trim().equals("default")) {
            return LeaseTimeouts.DEFAULT;
        }
        if (profile.trim().equals("fast")) {
            return LeaseTimeouts.FAST;
        }
        throw new ConfigException("profile must be 'default' or 'fast', got '" + profile + "'");
    }

    static LockspaceConfig lockspace(String name, Properties p) throws ConfigException {
        String prefix = "lockspace." + name + ".";
        for (String key : p.stringPropertyNames()) {
            if (!Set.of("disks", "sector_size", "align", "max_resources").contains(key)) {
                throw new ConfigException("unknown setting '" + prefix + key + "'");
            }
        }
        try {
            org.diskpaxos.lock.api.ResourceId.parse(name + "/x");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("lockspace name '" + name + "': " + e.getMessage());
        }
        String disksText = p.getProperty("disks");
        if (disksText == null || disksText.isBlank()) {
            throw new ConfigException(prefix + "disks is required: PATH[:OFFSET] ...");
        }
        List<EmbeddedLeaseClient.Disk> disks = new ArrayList<>();
        for (String d : disksText.trim().split("[\\s,]+")) {
            disks.add(parseDisk(prefix + "disks", d));
        }
        if (disks.size() % 2 == 0 || disks.size() > 7) {
            throw new ConfigException(prefix + "disks: a lockspace needs 1, 3, 5 or 7 disks, got " + disks.size());
        }
        int sector = parseInt(prefix + "sector_size", p.getProperty("sector_size", "512"), 512, 4096);
        String align = p.getProperty("align", "1M").trim().toUpperCase(Locale.ROOT);
        int alignBytes = switch (align) {
            case "1M" -> AreaGeometry.MIB;
            case "2M" -> 2 * AreaGeometry.MIB;
            case "4M" -> 4 * AreaGeometry.MIB;
            case "8M" -> 8 * AreaGeometry.MIB;
            default -> throw new ConfigException(prefix + "align must be 1M, 2M, 4M or 8M, got '" + align + "'");
        };
        AreaGeometry geometry = AreaGeometry.lookup(sector, alignBytes).orElseThrow(() -> new ConfigException(
                prefix + "sector_size " + sector + " with align " + align + " is not a valid combination (512 needs"
                + " 1M; 4096 takes 1M, 2M, 4M or 8M)"));
        int maxResources = parseInt(prefix + "max_resources", p.getProperty("max_resources",
                String.valueOf(LockspaceLayout.MAX_RESOURCES_DEFAULT)), 1, 128_000);
        return new LockspaceConfig(name, List.copyOf(disks), geometry, maxResources);
    }

    /** {@code PATH[:OFFSET]}, the offset in bytes or with a K/M/G suffix. */
    public static EmbeddedLeaseClient.Disk parseDisk(String what, String text) throws ConfigException {
        int colon = text.lastIndexOf(':');
        String path = colon > 0 ? text.substring(0, colon) : text;
        long offset = 0;
        if (colon > 0) {
            offset = parseSize(what, text.substring(colon + 1));
        }
        if (path.isEmpty()) {
            throw new ConfigException(what + ": empty disk path in '" + text + "'");
        }
        return new EmbeddedLeaseClient.Disk(Path.of(path), offset);
    }

    public static long parseSize(String what, String text) throws ConfigException {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) {
            unit = 1024;
        } else if (t.endsWith("M")) {
            unit = 1024 * 1024;
        } else if (t.endsWith("G")) {
            unit = 1024L * 1024 * 1024;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(what + ": '" + text + "' is not a size (bytes, or with K, M or G)");
        }
    }

    static int parseInt(String what, String text, int min, int max) throws ConfigException {
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                throw new ConfigException(what + " must be " + min + ".." + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(what + " must be a whole number, got '" + text + "'");
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim();
        long unitNs;
        String number;
        if (s.endsWith("ms")) {
            unitNs = 1_000_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unitNs = 1_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else {
            unitNs = 1_000_000_000L;
            number = s;
        }
        try {
            double n = Double.parseDouble(number);
            if (!(n > 0)) {
                throw new IllegalArgumentException("must be positive, got '" + v + "'");
            }
            return Duration.ofNanos(Math.round(n * unitNs));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a duration like 500ms or 2s, got '" + v + "'");
        }
    }
}
