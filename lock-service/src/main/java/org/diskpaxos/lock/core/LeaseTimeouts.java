package org.diskpaxos.lock.core;

import java.time.Duration;

/**
 * Every lease timeout, derived from one {@code ioTimeout} ({@code d}: the longest one disk I/O may take) and the
 * bound on clock-rate drift between hosts. No clocks are ever compared across hosts: each host measures elapsed
 * time on its own monotonic clock, and a host's delta-lease timestamp is only compared for change.
 *
 * <h2>Timeline of a host that stops renewing</h2>
 * <pre>
 *  holder H (its own clock)                               observer O (its own clock)
 *  ───────────────────────────────────────────────────    ─────────────────────────────────────────────
 *  r      last renewal write STARTS (completes ≤ r + d)   O's read that sees it starts at s ≥ r − d
 *  r + D  next renewal due (D = d); fails or hangs        (O keeps reading H's slot; no change)
 *  r + 2d SUSPECT: a renewal is overdue
 *  r + 4d LOST (validFor): leases stop; holders get
 *         SIGTERM; an embedded Lease turns LOST on its
 *         own deadline even if its renewal thread hangs
 *  r + 5d SIGKILL (killGrace = d); dead ≤ d later
 *  r + 6d every holder process is gone
 *                                                         s + hostDead: O judges H dead and may take
 *                                                         its leases. hostDead = (4d + d + 2d)·(1+ρ)/(1−ρ)
 *                                                         ≥ r − d + 7d = r + 6d, after the holders died.
 * </pre>
 * The {@code 2d} in {@code hostDead}: one {@code d} because O's read may have started up to {@code d} before H's
 * write (the write landed before O's read took its snapshot), one {@code d} for the killed processes to exit.
 * {@code ρ} is the drift bound: O's interval may run fast and H's slow.
 *
 * <h2>Other derived waits</h2>
 * <ul>
 *   <li>{@code renewInterval = d}: three more renewals may fail before a healthy host's leases lapse.</li>
 *   <li>{@code joinSettle = 2d} (sanlock's {@code delta_short_delay}): after writing its delta lease a joining
 *       host waits, then reads it back; a rival whose write raced ours lands within that time.</li>
 *   <li>Failover after the holder's host dies is {@code hostDead} plus one acquire: about {@code 7d}.</li>
 *   <li>Requests: a requester keeps the holder's bit in its delta lease for {@code requestBitKeep = 6d}
 *       (sanlock's {@code set_bitmap_seconds}); a holder scans for bits every {@code requestScanInterval = 2d}
 *       after a renewal, so it is told within about {@code 3d} — sanlock: up to 20 s.</li>
 *   <li>A FORCE request makes the holder's lease LOST at once; it is freed on disk {@code killGrace} later.</li>
 * </ul>
 *
 * <p>Profiles: {@link #DEFAULT} ({@code d} = 2 s; failover ≈ 14 s, against sanlock's 140 s) for SAN storage with
 * multipath retries; {@link #FAST} ({@code d} = 250 ms; failover ≈ 1.8 s) for local or fast shared storage where
 * an I/O never takes near 250 ms.
 *
 * @param ioTimeoutNs the longest one I/O may take; every other timeout is derived from it
 * @param driftPpmMax the bound on clock-rate differences between hosts, in parts per million
 */
public record LeaseTimeouts(long ioTimeoutNs, double driftPpmMax) {

    public static final long IO_TIMEOUT_NS_MIN = 10_000_000L;
    public static final long IO_TIMEOUT_NS_MAX = 120_000_000_000L;
    public static final double DRIFT_PPM_DEFAULT = 100;

    public static final LeaseTimeouts DEFAULT = new LeaseTimeouts(2_000_000_000L, DRIFT_PPM_DEFAULT);
    public static final LeaseTimeouts FAST = new LeaseTimeouts(250_000_000L, DRIFT_PPM_DEFAULT);

    public LeaseTimeouts {
        if (ioTimeoutNs < IO_TIMEOUT_NS_MIN || ioTimeoutNs > IO_TIMEOUT_NS_MAX) {
            throw new IllegalArgumentException("io timeout must be between " + Duration.ofNanos(IO_TIMEOUT_NS_MIN)
                    .toMillis() + " ms and " + Duration.ofNanos(IO_TIMEOUT_NS_MAX).toSeconds() + " s, got "
                    + Duration.ofNanos(ioTimeoutNs).toMillis() + " ms");
        }
        if (!(driftPpmMax >= 0 && driftPpmMax <= 10_000)) {
            throw new IllegalArgumentException("clock drift bound must be 0..10000 ppm, got " + driftPpmMax);
        }
    }

    public static LeaseTimeouts ofIoTimeout(Duration ioTimeout) {
        return new LeaseTimeouts(ioTimeout.toNanos(), DRIFT_PPM_DEFAULT);
    }

    /** How often a host renews its delta lease. */
    public long renewIntervalNs() {
        return ioTimeoutNs;
    }

    /** After the start of the last successful renewal: leases are SUSPECT (a renewal is overdue). */
    public long suspectAfterNs() {
        return 2 * ioTimeoutNs;
    }

    /** After the start of the last successful renewal: leases are LOST and holders are told to stop. */
    public long validForNs() {
        return 4 * ioTimeoutNs;
    }

    /** Between SIGTERM and SIGKILL of holders that have not stopped. */
    public long killGraceNs() {
        return ioTimeoutNs;
    }

    /** How long an observer must see a host's delta lease unchanged before it may judge the host dead. */
    public long hostDeadNs() {
        double rho = driftPpmMax / 1e6;
        double ns = (validForNs() + killGraceNs() + 2.0 * ioTimeoutNs) * (1 + rho) / (1 - rho);
        return (long) Math.ceil(ns);
    }

    /**
     * A renewal counts only if its write (and sync) reached a majority within this time of the renewal's start
     * ({@code 2d}); a write that waited behind an earlier stuck one, or completed later, extends nothing. This bounds
     * when the write landed, which the observer's side of the timeline relies on.
     */
    public long renewalCompleteWithinNs() {
        return 2 * ioTimeoutNs;
    }

    /** How long a joining host waits after writing its delta lease before reading it back. */
    public long joinSettleNs() {
        return 2 * ioTimeoutNs;
    }

    /**
     * How long a host keeps another host's bit set in its delta lease's bitmap after a request (sanlock's
     * {@code set_bitmap_seconds}, {@code 6d}): the bit reaches the disks at the next renewal (within {@code d}) and
     * stays there about {@code 5d}, longer than {@link #requestScanIntervalNs()} plus a renewal, so the signalled
     * host's scans see it.
     */
    public long requestBitKeepNs() {
        return 6 * ioTimeoutNs;
    }

    /**
     * How often a host that holds leases reads the whole lockspace for bits other hosts set for it ({@code 2d}); sanlock
     * reads the whole lockspace at every renewal, which we do not, to keep renewals to one sector.
     */
    public long requestScanIntervalNs() {
        return 2 * ioTimeoutNs;
    }

    /** A one-paragraph description of the timeline with this profile's numbers, for logs and {@code --help}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "io timeout %s: renew every %s, suspect after %s, lost after %s,"
                + " kill grace %s, others judge a silent host dead after %s (failover about %s)",
                ms(ioTimeoutNs), ms(renewIntervalNs()), ms(suspectAfterNs()), ms(validForNs()), ms(killGraceNs()),
                ms(hostDeadNs()), ms(hostDeadNs() + ioTimeoutNs));
    }

    private static String ms(long ns) {
        return ns % 1_000_000_000L == 0 ? ns / 1_000_000_000L + " s" : String.format(java.util.Locale.ROOT, "%.0f ms",
                ns / 1e6);
    }
}
