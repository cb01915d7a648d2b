package org.diskpaxos.lock.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.ondisk.AreaCheck;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaValidator;
import org.diskpaxos.paxos.ondisk.DeltaLease;
import org.diskpaxos.paxos.ondisk.DeltaLeaseDescriptor;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.HostIdBitmap;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * One host's membership of a lockspace: its delta lease (Chockler and Malkhi's light-weight lease, sanlock's
 * {@code delta_lease.c}) on the lockspace's disks, joined, renewed and left, and the observation of other hosts'
 * delta leases. Runs on one {@link EventLoop}; times are that loop's monotonic clock.
 *
 * <h2>Joining host id {@code h}</h2>
 * <ol>
 *   <li>Read slot {@code h} on every disk; the area must be this lockspace's (else nothing is written).</li>
 *   <li>Wait, as the slot's last holder demands: not at all if the slot is free, or was last held by this machine
 *       in an earlier boot (every process of that boot is gone); if it was held by this machine in this boot, until
 *       the previous holder's leases are provably over — its last timestamp is on our own clock, so that is
 *       {@code timestamp + validFor + killGrace + ioTimeout}, often already past; otherwise watch the slot for
 *       {@code hostDead}: a change means the host id is in use.</li>
 *   <li>Write generation + 1, our unique name and a timestamp; wait {@code joinSettle}; read it back: a rival
 *       joining at the same time shows up as a difference.</li>
 * </ol>
 * sanlock waits 20 s for a free slot and up to 160 s after an unclean restart; with the default profile we wait
 * 4 s and 0–12 s.
 *
 * <h2>Renewing</h2>
 * Every {@code renewInterval}: read our slot (someone else's name or generation there means the host id was taken:
 * everything is lost at once), then write a new timestamp. A renewal that reaches a majority extends validity to
 * {@code renewalStart + validFor}. Timestamps are our monotonic clock in milliseconds, strictly increasing (sanlock
 * writes seconds; the field is only compared for change, and by this host when it rejoins).
 */
public final class Lockspace implements org.diskpaxos.lock.core.Membership {

    /** The state of this host's membership. */
    public enum State { JOINING, JOINED, LOST, LEFT }

    /** Why a join failed. */
    public static final class JoinException extends Exception {
        public JoinException(String message) {
            super(message);
        }
    }

    private final EventLoop loop;
    private final SectorIo io;
    private final AreaExpectation expected;
    private final int hostId;
    private final HostIdentity identity;
    private final LeaseTimeouts timeouts;
    private final int sectorSizeBytes;
    private final long slotOffsetBytes;
    private final List<Consumer<String>> lostListeners = new ArrayList<>();
    private volatile RenewalObserver renewalObserver = RenewalObserver.NONE;

    private volatile State state = State.JOINING;
    private volatile long validUntilNs;
    private volatile long lastRenewalStartNs;
    private volatile String lostReason;
    private LeaderRecord mine;
    private long lastTimestampMs;
    private EventLoop.Scheduled renewalTimer;
    /** Hosts signalled through our bitmap (sanlock.md §2.7), until when (this loop's clock). */
    private final java.util.Map<Long, Long> signalledUntilNs = new java.util.TreeMap<>();
    private RequestWatch requestWatch;
    private long lastScanNs = Long.MIN_VALUE / 2;
    private int requestScanHosts;

    public Lockspace(EventLoop loop, List<AreaDisk> disks, AreaExpectation expected, int hostId, HostIdentity identity,
            LeaseTimeouts timeouts) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        if (disks.isEmpty() || disks.size() > 7 || disks.size() % 2 == 0) {
            throw new IllegalArgumentException("a lockspace needs 1, 3, 5 or 7 disks, got " + disks.size());
        }
        int maxHosts = expected.geometry().maxHosts();
        if (hostId < 1 || hostId > maxHosts) {
            throw new IllegalArgumentException("host id must be 1.." + maxHosts + " for "
                    + expected.geometry().describe() + ", got " + hostId);
        }
        this.hostId = hostId;
        this.io = new SectorIo(disks, timeouts.ioTimeoutNs());
        this.sectorSizeBytes = expected.geometry().sectorSizeBytes();
        this.slotOffsetBytes = expected.geometry().lockspaceHostOffsetBytes(hostId);
        this.requestScanHosts = Math.min(maxHosts, HostIdBitmap.HOST_ID_MAX);
    }

    public int hostId() {
        return hostId;
    }

    public String lockspaceName() {
        return expected.lockspaceName();
    }

    public LeaseTimeouts timeouts() {
        return timeouts;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Our generation (the delta lease's owner_generation) once joined; 0 before. */
    public long generation() {
        LeaderRecord m = mine;
        return m == null ? 0 : m.ownerGeneration();
    }

    public State state() {
        State s = state;
        if (s == State.JOINED && loop.nowNs() >= validUntilNs) {
            return State.LOST;
        }
        return s;
    }

    /** Told of each renewal's outcome, on the lockspace's event loop thread; must not block. */
    public interface RenewalObserver {
        RenewalObserver NONE = new RenewalObserver() {
            @Override
            public void renewed(long tookNs) {
            }

            @Override
            public void failed(long tookNs, int disksWritten) {
            }
        };

        /** A renewal reached a majority of disks in time; it took {@code tookNs}. */
        void renewed(long tookNs);

        /** A renewal did not count: too few disks ({@code disksWritten}) or too late ({@code tookNs}). */
        void failed(long tookNs, int disksWritten);
    }

    public void observeRenewals(RenewalObserver observer) {
        this.renewalObserver = Objects.requireNonNull(observer, "observer");
    }

    /** Until when (this loop's clock) our leases are valid: the last successful renewal's start + validFor. */
    public long validUntilNs() {
        return validUntilNs;
    }

    /** When the last successful renewal started, on this loop's clock. */
    public long lastRenewalStartNs() {
        return lastRenewalStartNs;
    }

    /** Whether a renewal is overdue (leases SUSPECT). */
    public boolean suspect() {
        return loop.nowNs() - lastRenewalStartNs >= timeouts.suspectAfterNs();
    }

    /** Runs on the loop when our membership is lost (renewals failed past validFor, or the host id was taken). */
    public void onLost(Consumer<String> listener) {
        lostListeners.add(listener);
    }

    public String lostReason() {
        return lostReason;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Join

    /** Acquires the delta lease of our host id; {@code done} gets null on success, else why not. */
    public void join(RankedRegister.Callback<String> done) {
        if (state != State.JOINING || mine != null) {
            throw new IllegalStateException("join once, on a new Lockspace");
        }
        readSlot(hostId, slot -> {
            if (slot.error() != null) {
                done.done(slot.error());
                return;
            }
            LeaderRecord current = slot.newest();
            long waitNs = joinWaitNs(current);
            if (waitNs < 0) {
                watchThenJoin(current, slot, done);
            } else if (waitNs == 0) {
                writeJoin(current, done);
            } else {
                // The wait was computed from one read: a live process of this boot (a twin with the same host id)
                // renews meanwhile. Writing over it would look like its restart to the other hosts, which would
                // then take its leases while it still holds them. Take the slot only if it did not change.
                loop.schedule(waitNs, () -> readSlot(hostId, again -> {
                    if (again.error() != null) {
                        done.done(again.error());
                    } else if (!current.equals(again.newest())) {
                        done.done("host id " + hostId + " of lockspace '" + expected.lockspaceName() + "' is in use by '"
                                + again.newest().resourceName() + "' (a process of this machine renewed it while we"
                                + " waited); choose another host id");
                    } else {
                        writeJoin(current, done);
                    }
                }));
            }
        });
    }

    /** How long to wait before taking the slot, or -1 when it must be watched for {@code hostDead}. */
    private long joinWaitNs(LeaderRecord current) {
        if (current.isFree()) {
            return 0;
        }
        HostIdentity previous = HostIdentity.parse(current.resourceName());
        if (previous != null && previous.sameMachine(identity)) {
            if (!previous.sameBoot(identity)) {
                return 0;
            }
            long lastRenewalNs = current.timestamp() * 1_000_000L;
            long safeAtNs = lastRenewalNs + timeouts.validForNs() + timeouts.killGraceNs() + timeouts.ioTimeoutNs();
            return Math.max(0, safeAtNs - loop.nowNs());
        }
        return -1;
    }

    private void watchThenJoin(LeaderRecord current, Slot first, RankedRegister.Callback<String> done) {
        long startNs = loop.nowNs();
        new HostWatch(this, hostId, current.ownerGeneration(), first, startNs, verdict -> {
            if (verdict.kind() == HostWatch.Kind.DEAD || verdict.kind() == HostWatch.Kind.FREE) {
                writeJoin(verdict.lastSeen() == null ? current : verdict.lastSeen(), done);
            } else {
                done.done("host id " + hostId + " of lockspace '" + expected.lockspaceName() + "' is in use by '"
                        + (verdict.lastSeen() == null ? current : verdict.lastSeen()).resourceName() + "' ("
                        + verdict.detail() + "); choose another host id");
            }
        }).start(Long.MAX_VALUE);
    }

    private void writeJoin(LeaderRecord previous, RankedRegister.Callback<String> done) {
        long startNs = loop.nowNs();
        int ioTimeoutSeconds = (int) Math.min(255, Math.max(1, (timeouts.ioTimeoutNs() + 999_999_999L) / 1_000_000_000L));
        long timestamp = nextTimestampMs();
        DeltaLease lease = DeltaLease.acquired(previous, hostId, identity.toString(), timestamp, ioTimeoutSeconds);
        io.writeAll(slotOffsetBytes, DeltaLeaseDescriptor.encodeSector(lease, sectorSizeBytes), w -> {
            if (w.succeeded() < io.majority()) {
                done.done("joining lockspace '" + expected.lockspaceName() + "' as host " + hostId + ": the delta "
                        + "lease reached " + w.succeeded() + " of " + io.diskCount() + " disks ("
                        + String.join("; ", w.failures()) + ")");
                return;
            }
            loop.schedule(timeouts.joinSettleNs(), () -> readSlot(hostId, back -> {
                if (back.error() != null) {
                    done.done(back.error());
                    return;
                }
                int same = back.countEqual(lease.leader());
                if (same < io.majority()) {
                    done.done("host id " + hostId + " of lockspace '" + expected.lockspaceName() + "' was taken by '"
                            + back.newest().resourceName() + "' while we joined; choose another host id");
                    return;
                }
                // The settle wait used up much of the join write's validity: renew before reporting success, so a
                // new member starts with a whole validity period ahead of it.
                mine = lease.leader();
                firstRenewal(done);
            }));
        });
    }

    private long nextTimestampMs() {
        long ms = Math.max(lastTimestampMs + 1, loop.nowNs() / 1_000_000L);
        lastTimestampMs = ms;
        return ms;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Renewal

    private void firstRenewal(RankedRegister.Callback<String> done) {
        long startNs = loop.nowNs();
        LeaderRecord next = mine.withTimestamp(nextTimestampMs());
        io.writeAll(slotOffsetBytes, DeltaLeaseDescriptor.encodeSector(new DeltaLease(next, signalBitmap()),
                sectorSizeBytes), w -> {
            if (w.succeeded() < io.majority() || loop.nowNs() - startNs > timeouts.renewalCompleteWithinNs()) {
                done.done("joining lockspace '" + expected.lockspaceName() + "' as host " + hostId + ": the first "
                        + "renewal reached " + w.succeeded() + " of " + io.diskCount() + " disks ("
                        + String.join("; ", w.failures()) + ")");
                return;
            }
            mine = next;
            lastRenewalStartNs = startNs;
            validUntilNs = startNs + timeouts.validForNs();
            state = State.JOINED;
            loop.schedule(Math.max(0, validUntilNs - loop.nowNs()), this::checkExpiry);
            renewalTimer = loop.schedule(Math.max(0, startNs + timeouts.renewIntervalNs() - loop.nowNs()),
                    this::renew);
            done.done(null);
        });
    }

    private void checkExpiry() {
        if (state == State.JOINED && loop.nowNs() >= validUntilNs) {
            lose("no renewal of the delta lease reached a majority of disks for "
                    + timeouts.validForNs() / 1_000_000 + " ms");
        }
    }

    /**
     * One renewal: write a new timestamp (validity counts from this write's start), then read the slot back to
     * check that nobody else has taken the host id. The next renewal starts one interval after this one started,
     * or when this one ends if it took longer: never two at once.
     */
    private void renew() {
        if (state != State.JOINED) {
            return;
        }
        long startNs = loop.nowNs();
        if (startNs >= validUntilNs) {
            // A renewal must start while we are valid: after a long pause the renewal timer can run before the
            // expiry check, and a renewal now would resurrect leases others may already have taken.
            checkExpiry();
            return;
        }
        LeaderRecord next = mine.withTimestamp(nextTimestampMs());
        DeltaLease lease = new DeltaLease(next, signalBitmap());
        io.writeAll(slotOffsetBytes, DeltaLeaseDescriptor.encodeSector(lease, sectorSizeBytes), w -> {
            if (state != State.JOINED) {
                return;
            }
            long tookNs = loop.nowNs() - startNs;
            if (w.succeeded() >= io.majority() && tookNs <= timeouts.renewalCompleteWithinNs()
                    && startNs < validUntilNs) {
                renewalObserver.renewed(tookNs);
                mine = next;
                lastRenewalStartNs = startNs;
                validUntilNs = startNs + timeouts.validForNs();
                loop.schedule(validUntilNs - loop.nowNs(), this::checkExpiry);
            } else {
                renewalObserver.failed(tookNs, w.succeeded());
            }
            readSlot(hostId, slot -> {
                if (state != State.JOINED) {
                    return;
                }
                if (slot.error() == null) {
                    for (LeaderRecord r : slot.records()) {
                        // Our timestamps only grow and none is above the one just written: a higher one is
                        // another writer's, even under our own name (a twin process of this machine).
                        if (r != null && !r.isFree() && (r.ownerId() != hostId
                                || r.ownerGeneration() != mine.ownerGeneration()
                                || !r.resourceName().equals(mine.resourceName())
                                || r.timestamp() > next.timestamp())) {
                            lose("host id " + hostId + " was taken by '" + r.resourceName() + "' generation "
                                    + r.ownerGeneration());
                            return;
                        }
                    }
                }
                long nextInNs = Math.max(0, startNs + timeouts.renewIntervalNs() - loop.nowNs());
                renewalTimer = loop.schedule(nextInNs, this::renew);
                maybeScanForRequests();
            });
        });
    }

    private void lose(String reason) {
        if (state != State.JOINED) {
            return;
        }
        state = State.LOST;
        lostReason = reason;
        validUntilNs = Math.min(validUntilNs, loop.nowNs());
        if (renewalTimer != null) {
            renewalTimer.cancel();
        }
        for (Consumer<String> l : lostListeners) {
            l.accept(reason);
        }
    }

    /** Frees our host id (timestamp 0); {@code done} gets null on success. Release every lease first. */
    public void leave(RankedRegister.Callback<String> done) {
        if (state != State.JOINED) {
            done.done("not joined");
            return;
        }
        state = State.LEFT;
        if (renewalTimer != null) {
            renewalTimer.cancel();
        }
        validUntilNs = loop.nowNs();
        LeaderRecord free = mine.withTimestamp(0);
        io.writeAll(slotOffsetBytes, DeltaLeaseDescriptor.encodeSector(new DeltaLease(free, HostIdBitmap.EMPTY),
                sectorSizeBytes), w -> done.done(w.succeeded() >= io.majority() ? null
                : "freeing host id " + hostId + " reached " + w.succeeded() + " of " + io.diskCount() + " disks"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests: bits in the delta leases' bitmaps (sanlock.md §2.7)

    /** Who learns of other hosts' bits for this host, and whether scanning is worth it now. */
    public interface RequestWatch {
        /** Whether this host holds anything another host could ask for (scans are skipped otherwise). */
        boolean holdsLeases();

        /** Hosts whose delta lease has this host's bit set, seen by a scan; on the loop. */
        void signalled(java.util.Set<Long> requesterHostIds);
    }

    /** Sets who is told of requests; scans run after renewals while {@link RequestWatch#holdsLeases()}. */
    public void watchRequests(RequestWatch watch) {
        this.requestWatch = Objects.requireNonNull(watch, "watch");
    }

    /**
     * Limits the request scans to the slots of host ids {@code 1..hosts} (default: every slot, as sanlock reads the
     * whole lockspace): for lockspaces whose members never use higher ids, it saves reading the rest of the area
     * (1 MiB at 512-byte sectors, 8 MiB at 4096) every scan. A requester with a higher id would not be noticed.
     */
    public void limitRequestScan(int hosts) {
        if (hosts < 1 || hosts > expected.geometry().maxHosts()) {
            throw new IllegalArgumentException("request scan limit must be 1.." + expected.geometry().maxHosts()
                    + ", got " + hosts);
        }
        requestScanHosts = Math.min(hosts, HostIdBitmap.HOST_ID_MAX);
    }

    /**
     * Sets host {@code h}'s bit in our delta lease's bitmap for {@link LeaseTimeouts#requestBitKeepNs()}, from the next
     * renewal on: how a requester tells a holder to look at its resources' request records. On the loop.
     */
    public void signalHost(long h) {
        if (h < 1 || h > Math.min(HostIdBitmap.HOST_ID_MAX, expected.geometry().maxHosts()) || h == hostId) {
            throw new IllegalArgumentException("cannot signal host " + h + " (this is host " + hostId + ", hosts are 1.."
                    + expected.geometry().maxHosts() + ")");
        }
        signalledUntilNs.put(h, loop.nowNs() + timeouts.requestBitKeepNs());
    }

    /** The bits to write now: hosts signalled within {@link LeaseTimeouts#requestBitKeepNs()}. */
    HostIdBitmap signalBitmap() {
        long now = loop.nowNs();
        signalledUntilNs.values().removeIf(until -> until <= now);
        HostIdBitmap bitmap = HostIdBitmap.EMPTY;
        for (long h : signalledUntilNs.keySet()) {
            bitmap = bitmap.with(h);
        }
        return bitmap;
    }

    /**
     * After a renewal, at most every {@link LeaseTimeouts#requestScanIntervalNs()} and only while this host holds
     * leases: reads every host's delta lease and reports the live ones whose bitmap has our bit (on any disk).
     */
    private void maybeScanForRequests() {
        RequestWatch watch = requestWatch;
        long now = loop.nowNs();
        if (watch == null || state != State.JOINED || now - lastScanNs < timeouts.requestScanIntervalNs()
                || !watch.holdsLeases()) {
            return;
        }
        lastScanNs = now;
        int hosts = requestScanHosts;
        io.readAll(0, hosts * sectorSizeBytes, reads -> {
            java.util.Set<Long> requesters = new java.util.TreeSet<>();
            for (SectorIo.Read r : reads) {
                if (!r.ok()) {
                    continue;
                }
                for (long h = 1; h <= hosts; h++) {
                    int at = (int) (h - 1) * sectorSizeBytes;
                    if (h == hostId || !LeaderRecordDescriptor.checksumMatches(r.bytes(), at)) {
                        continue;
                    }
                    Decoded<DeltaLease> lease = DeltaLeaseDescriptor.decode(r.bytes(), at);
                    if (lease.verdict().isValid() && !lease.value().isFree() && lease.value().leader().ownerId() == h
                            && lease.value().leader().spaceName().equals(expected.lockspaceName())
                            && lease.value().bitmap().isSet(hostId)) {
                        requesters.add(h);
                    }
                }
            }
            if (!requesters.isEmpty() && state == State.JOINED) {
                watch.signalled(requesters);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Other hosts' liveness

    /** A background watch of one host incarnation, kept while someone keeps asking about it. */
    private final class Tracked {
        final long hostIdWatched;
        final long generation;
        HostWatch watch;
        HostWatch.Verdict gone;
        LeaderRecord lastSeen;
        long interestUntilNs;

        Tracked(long hostIdWatched, long generation) {
            this.hostIdWatched = hostIdWatched;
            this.generation = generation;
        }

        void startWatch() {
            watch = new HostWatch(Lockspace.this, hostIdWatched, generation, null, loop.nowNs(), verdict -> {
                if (verdict.lastSeen() != null) {
                    lastSeen = verdict.lastSeen();
                }
                switch (verdict.kind()) {
                    case DEAD, FREE, RESTARTED -> gone = verdict;
                    default -> {
                        if (loop.nowNs() < interestUntilNs) {
                            startWatch();
                        } else {
                            tracked.remove(hostIdWatched, this);
                        }
                    }
                }
            });
            watch.start(interestUntilNs);
        }
    }

    private final java.util.Map<Long, Tracked> tracked = new java.util.HashMap<>();

    /**
     * Whether host {@code h}'s incarnation {@code generation} is provably gone (its delta lease left, rejoined as a
     * newer incarnation, or silent for {@code hostDead}): the verdict if so, else null. Asking starts, or keeps
     * alive, a background watch of the host, so that a caller that asks again later (an acquire retrying until its
     * deadline) gets the verdict as soon as {@code hostDead} of silence has been seen — across calls. On the loop.
     */
    HostWatch.Verdict hostGone(long h, long generation) {
        Tracked t = tracked.get(h);
        if (t == null || t.generation != generation) {
            if (t != null && t.watch != null) {
                t.watch.cancel();
            }
            t = new Tracked(h, generation);
            tracked.put(h, t);
            t.interestUntilNs = loop.nowNs() + 2 * timeouts.hostDeadNs();
            t.startWatch();
        } else {
            t.interestUntilNs = loop.nowNs() + 2 * timeouts.hostDeadNs();
        }
        return t.gone;
    }

    /** The newest delta-lease record seen of host {@code h} by a background watch, or null. On the loop. */
    LeaderRecord lastSeen(long h) {
        Tracked t = tracked.get(h);
        return t == null ? null : t.lastSeen;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Slots

    /** What every disk holds in one host's slot. */
    record Slot(List<LeaderRecord> records, String error) {
        /** The newest record: highest generation, then highest timestamp. */
        LeaderRecord newest() {
            LeaderRecord best = null;
            for (LeaderRecord r : records) {
                if (r != null && (best == null || r.ownerGeneration() > best.ownerGeneration()
                        || r.ownerGeneration() == best.ownerGeneration() && r.timestamp() > best.timestamp())) {
                    best = r;
                }
            }
            return best;
        }

        int countEqual(LeaderRecord wanted) {
            int n = 0;
            for (LeaderRecord r : records) {
                if (r != null && r.equals(wanted)) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * Reads host {@code h}'s slot on every disk. A disk whose area is not this lockspace's makes the whole read an
     * error (a configuration error: never write there); fewer than a majority of readable records is an error too.
     */
    void readSlot(long h, Consumer<Slot> done) {
        long offset = expected.geometry().lockspaceHostOffsetBytes(h);
        io.readAll(offset, sectorSizeBytes, reads -> {
            List<LeaderRecord> records = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            int valid = 0;
            for (int d = 0; d < reads.size(); d++) {
                SectorIo.Read r = reads.get(d);
                if (!r.ok()) {
                    records.add(null);
                    problems.add(r.failure());
                    continue;
                }
                AreaCheck check = AreaValidator.checkDeltaLeaseAt(r.bytes(), 0, h, expected,
                        io.disk(d).device().name(), io.disk(d).areaOffsetBytes());
                if (!check.isValid()) {
                    // An intact record of something else (another lockspace, another geometry, a resource area)
                    // means a misconfigured disk: never write there. Blank, damaged or unreadable: a failing disk.
                    if (LeaderRecordDescriptor.checksumMatches(r.bytes(), 0) && check.verdict() != Verdict.BLANK) {
                        done.accept(new Slot(List.of(), check.message()));
                        return;
                    }
                    records.add(null);
                    problems.add(check.message());
                    continue;
                }
                LeaderRecord record = check.leader(); // the check decoded it: no second decode (hot: host watches)
                if (record.ownerId() != 0 && record.ownerId() != h) {
                    // Slot h only ever holds host h's delta lease (or the initial record, owner 0): this is another
                    // host's record in the wrong place, a misdirected read or write. Count the disk as failed.
                    records.add(null);
                    problems.add(io.disk(d).where(offset) + ": holds host " + record.ownerId()
                            + "'s delta lease, not host " + h + "'s (misdirected I/O)");
                    continue;
                }
                records.add(record);
                valid++;
            }
            if (valid < io.majority()) {
                done.accept(new Slot(records, "lockspace '" + expected.lockspaceName() + "', host " + h
                        + "'s delta lease: only " + valid + " of " + io.diskCount() + " disks readable ("
                        + String.join("; ", problems) + ")"));
                return;
            }
            done.accept(new Slot(records, null));
        });
    }
}
