package org.diskpaxos.lock.daemon;

import java.util.Map;

/**
 * systemd's service watchdog ({@code WatchdogSec=} in the unit): systemd sets {@code WATCHDOG_USEC} (and
 * {@code WATCHDOG_PID}) and restarts the service unless it sends {@code WATCHDOG=1} within that time. The daemon
 * pings every half period, and only while its socket loop is turning: a hung daemon gets restarted, and a restarted
 * daemon rejoins its lockspaces (waiting out its previous incarnation's leases, see {@code Lockspace}).
 *
 * @param intervalNs the watchdog period systemd set
 */
public record SystemdWatchdog(long intervalNs) {

    public SystemdWatchdog {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("watchdog interval must be positive, got " + intervalNs + " ns");
        }
    }

    /** The watchdog systemd configured for this process, or null if none (unset, malformed, or for another pid). */
    public static SystemdWatchdog fromEnvironment(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) {
            return null;
        }
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (forPid != null && !forPid.isBlank() && Long.parseLong(forPid.trim()) != pid) {
                return null;
            }
            long us = Long.parseLong(usec.trim());
            return us <= 0 || us > Long.MAX_VALUE / 1000 ? null : new SystemdWatchdog(us * 1000);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How often to ping: half the period, as sd_watchdog_enabled(3) advises. */
    public long pingEveryNs() {
        return intervalNs / 2;
    }

    /** Whether to ping now, given when we last pinged and when the socket loop last turned. */
    public boolean due(long nowNs, long lastPingNs, long loopTurnedNs) {
        return nowNs - lastPingNs >= pingEveryNs() && nowNs - loopTurnedNs < pingEveryNs();
    }
}
