package org.diskpaxos.lock.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A host's unique name in a lockspace, stored in its delta lease's 48-byte {@code resource_name} (sanlock stores
 * {@code <uuid>.<hostname>} there): {@code <machine>:<boot>:<hostname>}, where {@code machine} identifies the
 * machine ({@code /etc/machine-id}) and {@code boot} one boot of it ({@code /proc/sys/kernel/random/boot_id}).
 *
 * <p>It lets a host that rejoins decide how long to wait: a slot last held by this machine in an earlier boot can
 * be taken at once (every process of that boot is gone), one held in this boot only once the previous holder's
 * leases have run out — and that holder's timestamps are on this very clock.
 *
 * @param machine 16 lowercase hex digits
 * @param boot    16 lowercase hex digits
 * @param host    a readable host name, at most {@link #HOST_CHARS_MAX} characters
 */
public record HostIdentity(String machine, String boot, String host) {

    public static final int HOST_CHARS_MAX = 14;

    public HostIdentity {
        if (!isHex16(machine) || !isHex16(boot)) {
            throw new IllegalArgumentException("machine and boot ids must be 16 lowercase hex digits");
        }
        Objects.requireNonNull(host, "host");
        if (host.length() > HOST_CHARS_MAX || host.contains(":") || !StandardCharsets.US_ASCII.newEncoder().canEncode(host)) {
            throw new IllegalArgumentException("host name part must be at most " + HOST_CHARS_MAX
                    + " ASCII characters without ':', got '" + host + "'");
        }
    }

    /** This machine's identity, from {@code /etc/machine-id}, the boot id and the host name. */
    public static HostIdentity local() throws IOException {
        String machine = Files.readString(Path.of("/etc/machine-id")).trim().toLowerCase(Locale.ROOT);
        String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim().replace("-", "")
                .toLowerCase(Locale.ROOT);
        String host = java.net.InetAddress.getLocalHost().getHostName();
        host = host.replace(":", "").replaceAll("[^\\x20-\\x7e]", "");
        if (host.length() > HOST_CHARS_MAX) {
            host = host.substring(0, HOST_CHARS_MAX);
        }
        return new HostIdentity(hex16(machine), hex16(boot), host);
    }

    private static String hex16(String s) {
        String hex = s.replaceAll("[^0-9a-f]", "");
        if (hex.length() < 16) {
            hex = (hex + "0000000000000000").substring(0, 16);
        }
        return hex.substring(0, 16);
    }

    /** Parses a stored name; null when it is not ours (for example a name sanlock wrote). */
    public static HostIdentity parse(String stored) {
        if (stored == null) {
            return null;
        }
        String[] parts = stored.split(":", -1);
        if (parts.length != 3 || !isHex16(parts[0]) || !isHex16(parts[1]) || parts[2].length() > HOST_CHARS_MAX) {
            return null;
        }
        return new HostIdentity(parts[0], parts[1], parts[2]);
    }

    public boolean sameMachine(HostIdentity other) {
        return machine.equals(other.machine);
    }

    public boolean sameBoot(HostIdentity other) {
        return sameMachine(other) && boot.equals(other.boot);
    }

    private static boolean isHex16(String s) {
        return s != null && s.length() == 16 && s.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    @Override
    public String toString() {
        return machine + ":" + boot + ":" + host;
    }
}
