package org.diskpaxos.paxos.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.core.BallotBlock;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaCheck;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaValidator;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * One resource's paxos lease area on {@code n} disks, as one process uses it: sanlock's leader record (the cached
 * outcome of the latest consensus instance) and consensus instances numbered by {@code lver}, each decided by
 * {@link Consensus} over a {@link DiskRankedRegister}. The lease layer builds acquire and release on these
 * primitives; {@link #acquire} is the plain "decide the next instance and record it" sequence.
 *
 * <h2>The leader record is a hint; consensus is the truth</h2>
 * Leaders are written by whoever decided an instance, to all disks, and succeed on a majority. Disks may disagree
 * (a writer crashed half way, a late write of an older leader landed), so {@link #readLeader} takes the newest valid
 * leader: the highest {@code lver}, and for equal {@code lver} a free one (a release follows the acquire of the
 * same instance). A stale leader costs at most a consensus round that finds the next instance already decided —
 * never a wrong owner, since every instance's value comes from consensus.
 *
 * <h2>Beside the ballot</h2>
 * {@link #decideObserving} also reports the other hosts' {@code SHARED} mode blocks the ballot read (shared leases);
 * {@link #writeOwnSector} rewrites this host's sector with its newest block's values and a new RELEASED flag or mode
 * block ({@link OwnSector}); {@link #records()} reads hosts' sectors, clears a gone host's mode block, and reads and
 * writes the lock value block and the request record ({@link AreaRecords}). All of it writes only disks whose area
 * validated in the last leader read, one write in flight per sector.
 *
 * <h2>Bad areas</h2>
 * A disk whose area is not this resource (blank, another lockspace or resource, another sector size, area size or
 * host count, an unknown version, a cleared lease) is a configuration error: every operation fails with a message
 * naming the disk and offset, and nothing is written. A disk that fails I/O or holds a corrupt leader counts as
 * failed; a minority of failed disks is survived; a majority yields an error after the operation deadline.
 */
public final class DiskPaxosResource {

    /** Instances one {@link #acquire} may find superseded before it gives up. */
    public static final int SUPERSEDED_MAX = 16;

    /** Where the area is on one disk. */
    /**
     * Where the area is on one disk, and the I/O buffers to use there: give every area of one disk that runs on one
     * event loop the same {@link BufferPool}, so that the process keeps a few buffers per disk rather than per area
     * (a ballot read of 2000 host blocks takes a 1 MiB buffer, on a 2 MiB huge page).
     */
    public record Disk(AsyncBlockDevice device, long areaOffsetBytes, boolean syncAfterWrite, BufferPool buffers) {
        public Disk {
            Objects.requireNonNull(buffers, "buffers");
        }

        /** With a pool of its own. */
        public Disk(AsyncBlockDevice device, long areaOffsetBytes, boolean syncAfterWrite) {
            this(device, areaOffsetBytes, syncAfterWrite, new BufferPool());
        }
    }

    /**
     * @param ioTimeoutNs      per-I/O timeout
     * @param opDeadlineNs     per ranked-register operation deadline
     * @param backoffSlotNs    the consensus backoff floor
     * @param requireStamps    whether every dblock must carry a {@code DblockStamp} (areas formatted by dplock)
     */
    public record Options(long ioTimeoutNs, long opDeadlineNs, long backoffSlotNs, boolean requireStamps) {
    }

    /** The outcome of reading the leader records. */
    public sealed interface LeaderRead {
        /** The newest valid leader; {@code disksValid} of the disks held a valid one. */
        record Leader(LeaderRecord leader, int disksValid, List<String> problems) implements LeaderRead {
        }

        /** A disk does not hold this resource's area: a configuration error. Nothing was written. */
        record WrongArea(String message) implements LeaderRead {
        }

        /** Fewer than a majority of disks returned a valid leader. */
        record Unavailable(String message) implements LeaderRead {
        }
    }

    /** The outcome of {@link #acquire}. */
    public sealed interface Acquired {
        /** Instance {@code lver} was decided with {@code owner} and the leader record says so on a majority. */
        record Decided(long lver, Inp owner, LeaderRecord leader) implements Acquired {
        }

        /** Nothing was decided: the area is wrong, the disks are unavailable, or the leader could not be written. */
        record Failed(String reason) implements Acquired {
        }
    }

    private final EventLoop loop;
    private final List<DiskRankedRegister.Replica> replicas = new ArrayList<>();
    private final AreaExpectation expected;
    private final int hostId;
    private final Options options;
    private final Consensus<Inp> consensus;
    private final RandomSource random;
    private final long areaId;
    private final IoBuffer[] leaderReadBuffers;
    private long nextIoId = 1L << 48;
    /** Disks whose area validated in the last leader read: the only ones this process writes to. */
    private boolean[] writable;
    /** The newest block this process wrote to its sector (any instance), once known: phase 0 from memory. */
    private BallotBlock newestOwnBlock;
    /**
     * One write at a time per disk, in order, to the leader, the lock value block and other hosts' mode blocks: an
     * acquire's leader write lands before its release's, a lock value block before the release that follows it, and
     * a cleared mode block before this process frees the leader (see {@link #clearModeBlocks}).
     */
    private final SectorWriteGate[] leaderGates;
    /** One write at a time per disk to the request record. */
    private final SectorWriteGate[] requestGates;
    private final AreaSectors sectors;
    /** This host's sector beyond the ballot: its RELEASED flag and mode block, with their repair. */
    private final OwnSector ownSector;
    private final AreaRecords records;
    /** The leader this process last freed on a majority, until the next acquire takes it ({@link #takeFreedLeader}). */
    private LeaderRecord freedLeader;
    /** The newest instance this process proposed in the fast round ({@link #mayUseFastRound}); 0 if none. */
    private long fastRoundLver;
    /** Ballots of this process in progress on the area; own-sector writes outside ballots wait for none. */
    private int ballotsRunning;
    /** {@link DblockStamp#blankSectorCrcs} of this area, for its ballots' reads; computed at the first ballot. */
    private int[] blankSectorCrcs;
    /** The leader write {@link #writeLeaderLater} has scheduled and not yet issued, and its callback; or null. */
    private EventLoop.Scheduled laterLeader;
    private RankedRegister.Callback<String> laterLeaderDone;

    public DiskPaxosResource(EventLoop loop, List<Disk> disks, AreaExpectation expected, int hostId, long areaId,
            Options options, RandomSource random) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.expected = Objects.requireNonNull(expected, "expected");
        if (expected.resourceName() == null) {
            throw new IllegalArgumentException("a resource area needs a resource name");
        }
        if (hostId < 1 || hostId > expected.geometry().maxHosts()) {
            throw new IllegalArgumentException("host id " + hostId + " outside 1.." + expected.geometry().maxHosts());
        }
        this.hostId = hostId;
        this.options = Objects.requireNonNull(options, "options");
        this.areaId = areaId;
        for (Disk d : disks) {
            replicas.add(new DiskRankedRegister.Replica(d.device(), d.areaOffsetBytes(), d.syncAfterWrite(),
                    new SectorWriteGate(), d.buffers()));
        }
        int sector = expected.geometry().sectorSizeBytes();
        leaderGates = new SectorWriteGate[disks.size()];
        for (int d = 0; d < disks.size(); d++) {
            leaderGates[d] = new SectorWriteGate();
        }
        requestGates = new SectorWriteGate[disks.size()];
        leaderReadBuffers = new IoBuffer[disks.size()];
        for (int d = 0; d < disks.size(); d++) {
            requestGates[d] = new SectorWriteGate();
            leaderReadBuffers[d] = new IoBuffer(aligned(sector));
        }
        this.random = Objects.requireNonNull(random, "random");
        // Backoff windows of at most 8 slots (two I/O timeouts with the lease layer's slot of a quarter of one): with
        // 64 slots, four contending hosts backed off for most of a second each and a resource was not granted within
        // the liveness phase (lease simulation seed 5085).
        this.consensus = new Consensus<>(loop, random, options.backoffSlotNs(), 3);
        this.sectors = new AreaSectors(loop, replicas, options.ioTimeoutNs(), options.opDeadlineNs());
        this.ownSector = new OwnSector(this, loop, sectors, replicas, expected.geometry(), hostId, areaId,
                options.ioTimeoutNs());
        this.records = new AreaRecords(this, sectors, replicas.size());
    }

    int hostId() {
        return hostId;
    }

    AreaExpectation expected() {
        return expected;
    }

    Options options() {
        return options;
    }

    long areaId() {
        return areaId;
    }

    /** Which disks this process may write: those whose area validated in the last leader read (null: none read). */
    boolean[] writable() {
        return writable == null ? null : writable.clone();
    }

    BallotBlock newestOwnBlock() {
        return newestOwnBlock;
    }

    boolean ballotRunning() {
        return ballotsRunning > 0;
    }

    SectorWriteGate[] leaderGates() {
        return leaderGates;
    }

    SectorWriteGate[] requestGates() {
        return requestGates;
    }

    public int diskCount() {
        return replicas.size();
    }

    private int majority() {
        return replicas.size() / 2 + 1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Leader record

    /** Reads sector 0 of the area on every disk and judges it; see {@link LeaderRead}. */
    public void readLeader(RankedRegister.Callback<LeaderRead> done) {
        int n = replicas.size();
        AreaCheck[] checks = new AreaCheck[n];
        boolean[] intact = new boolean[n];
        String[] failures = new String[n];
        int[] answered = {0};
        int sector = expected.geometry().sectorSizeBytes();
        for (int d = 0; d < n; d++) {
            int disk = d;
            DiskRankedRegister.Replica r = replicas.get(d);
            IoBuffer buffer = leaderReadBuffers[d].inFlight() ? new IoBuffer(aligned(sector)) : leaderReadBuffers[d];
            leaderReadBuffers[d] = buffer;
            r.device().read(nextIoId++, r.areaOffsetBytes(), buffer, sector, options.ioTimeoutNs(), result -> {
                if (result.late()) {
                    return;
                }
                if (result.ok()) {
                    checks[disk] = AreaValidator.checkResource(buffer.bytes(), expected, r.device().name(),
                            r.areaOffsetBytes());
                    intact[disk] = LeaderRecordDescriptor.checksumMatches(buffer.bytes(), 0);
                } else {
                    failures[disk] = r.device().name() + " offset " + r.areaOffsetBytes() + ": leader read "
                            + (result.status() == IoResult.Status.TIMED_OUT ? "timed out"
                            : "failed: " + (result.error() == null ? "error" : result.error().getMessage()));
                }
                if (++answered[0] == n) {
                    done.done(judge(checks, intact, failures));
                }
            });
        }
    }

    private LeaderRead judge(AreaCheck[] checks, boolean[] intact, String[] failures) {
        List<String> problems = new ArrayList<>();
        LeaderRecord newest = null;
        int valid = 0;
        boolean[] ok = new boolean[checks.length];
        for (int d = 0; d < checks.length; d++) {
            if (failures[d] != null) {
                problems.add(failures[d]);
                continue;
            }
            AreaCheck c = checks[d];
            if (!c.isValid()) {
                if (intact[d] && isConfigurationError(c.verdict())) {
                    return new LeaderRead.WrongArea(c.message());
                }
                problems.add(c.message());
                continue;
            }
            valid++;
            ok[d] = true;
            if (newest == null || newer(c.leader(), newest)) {
                newest = c.leader();
            }
        }
        if (valid < majority()) {
            return new LeaderRead.Unavailable("resource '" + expected.lockspaceName() + ":" + expected.resourceName()
                    + "': only " + valid + " of " + checks.length + " disks hold a valid leader record ("
                    + String.join("; ", problems) + ")");
        }
        writable = ok;
        return new LeaderRead.Leader(newest, valid, List.copyOf(problems));
    }

    /**
     * An intact leader record (its checksum matches) that is not this resource's — another lockspace or resource,
     * another geometry, a lockspace record, a cleared lease — means the disk is not this resource's area: never
     * write there. Anything else wrong (blank, damaged, unreadable) is a failing disk: it is left out of this
     * operation, and written only once a read finds it valid again.
     */
    private static boolean isConfigurationError(Verdict v) {
        return v != Verdict.BAD_CHECKSUM && v != Verdict.TRUNCATED && v != Verdict.BLANK;
    }

    /** Whether block {@code a} is older than {@code b}: an earlier instance, or a lower ballot in the same one. */
    private static boolean older(BallotBlock a, BallotBlock b) {
        return a.lver() != b.lver() ? a.lver() < b.lver() : a.mbal() < b.mbal();
    }

    private static boolean newer(LeaderRecord a, LeaderRecord b) {
        if (a.lver() != b.lver()) {
            return a.lver() > b.lver();
        }
        return a.isFree() && !b.isFree();
    }

    /**
     * Writes {@code leader} as {@link #writeLeader} does, but only after {@code delayNs}, and only if this process has
     * not written the leader since and {@code stillWanted} agrees then. For a record that is only a hint to others —
     * the owner of an instance just decided, which any host can learn again by deciding the instance — so that a
     * lease released within the delay costs one leader write (the freed record, which replaces this one) instead of
     * two. {@code done} gets null once a majority wrote it or a later leader write replaced it, else the reason.
     */
    public void writeLeaderLater(LeaderRecord leader, long delayNs, BooleanSupplier stillWanted,
                                 RankedRegister.Callback<String> done) {
        replaceLaterLeader();
        laterLeaderDone = done;
        laterLeader = loop.schedule(delayNs, () -> {
            laterLeader = null;
            laterLeaderDone = null;
            if (stillWanted.getAsBoolean()) {
                writeLeader(leader, done);
            } else {
                done.done("the leader record was not written: no longer wanted");
            }
        });
    }

    /** A newer leader write is being issued: the one {@link #writeLeaderLater} scheduled is not needed any more. */
    private void replaceLaterLeader() {
        if (laterLeader == null) {
            return;
        }
        RankedRegister.Callback<String> done = laterLeaderDone;
        laterLeader.cancel();
        laterLeader = null;
        laterLeaderDone = null;
        done.done(null);
    }

    /**
     * Writes {@code leader} to sector 0 on every disk; {@code done} gets null as soon as a majority wrote it, else the
     * reason once a majority cannot be reached. A stalled disk does not hold the answer back (its write stays queued
     * behind its gate, in order). The caller must have validated the area ({@link #readLeader}) first.
     */
    public void writeLeader(LeaderRecord leader, RankedRegister.Callback<String> done) {
        replaceLaterLeader();
        int n = replicas.size();
        int sector = expected.geometry().sectorSizeBytes();
        byte[] bytes = LeaderRecordDescriptor.encodeSector(leader, sector);
        int[] ok = {0};
        int[] answered = {0};
        boolean[] reported = {false};
        List<String> failures = new ArrayList<>();
        Runnable maybeReport = () -> {
            if (!reported[0] && (ok[0] >= majority() || failures.size() > n - majority() || answered[0] == n)) {
                reported[0] = true;
                done.done(ok[0] >= majority() ? null : "the leader record reached only " + ok[0] + " of " + n
                        + " disks (" + String.join("; ", failures) + ")");
            }
        };
        for (int d = 0; d < n; d++) {
            DiskRankedRegister.Replica r = replicas.get(d);
            if (writable != null && !writable[d]) {
                failures.add(r.device().name() + ": not written (its area did not validate)");
                ++answered[0];
                maybeReport.run();
                continue;
            }
            IoBuffer buffer = r.buffers().take(sector);
            buffer.bytes().clear();
            buffer.bytes().put(0, bytes);
            long ioId = nextIoId++;
            SectorWriteGate gate = leaderGates[d];
            RankedRegister.Callback<IoResult> finish = result -> {
                if (result.ok()) {
                    ok[0]++;
                } else {
                    failures.add(r.device().name() + ": leader write " + result.status()
                            + (result.error() == null ? "" : " " + result.error().getMessage()));
                }
                ++answered[0];
                maybeReport.run();
            };
            boolean accepted = gate.submit(() -> r.device().write(ioId, r.areaOffsetBytes(), buffer, sector,
                    options.ioTimeoutNs(), result -> {
                        if (result.status() != IoResult.Status.TIMED_OUT || result.late()) {
                            // The write's final completion: the device is done with the buffer.
                            r.buffers().give(buffer);
                        }
                        if (result.late()) {
                            gate.done();
                            return;
                        }
                        if (result.ok() && r.syncAfterWrite()) {
                            r.device().sync(ioId, options.ioTimeoutNs(), s -> {
                                if (s.status() != IoResult.Status.TIMED_OUT) {
                                    gate.done();
                                }
                                if (!s.late()) {
                                    finish.done(s);
                                }
                            });
                            return;
                        }
                        if (result.status() != IoResult.Status.TIMED_OUT) {
                            gate.done();
                        }
                        finish.done(result);
                    }));
            if (!accepted) {
                r.buffers().give(buffer);
                finish.done(new IoResult(ioId, IoResult.Kind.WRITE, IoResult.Status.FAILED,
                        new java.io.IOException(SectorWriteGate.QUEUED_MAX + " earlier leader writes are pending"),
                        false));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consensus instances

    /**
     * Decides instance {@code lver} of this resource, proposing {@code value}; the decision may be another
     * proposer's value. {@code leader} gives the geometry of the ballot ({@code num_hosts}, {@code max_hosts}).
     */
    public void decide(LeaderRecord leader, long lver, Inp value, RankedRegister.Callback<Consensus.Decision<Inp>> done) {
        decideObserving(leader, lver, value, ballot -> done.done(ballot.decision()));
    }

    /** A decision and the other hosts' {@code SHARED} mode blocks the ballot's reads found. */
    public record Ballot(Consensus.Decision<Inp> decision, List<DiskRankedRegister.SharedBlockSeen> sharedBlocksSeen) {
        public Ballot {
            sharedBlocksSeen = List.copyOf(sharedBlocksSeen);
        }
    }

    /**
     * {@link #decide}, also reporting the shared holders the ballot saw ({@link DiskRankedRegister#sharedBlocksSeen}):
     * what an exclusive acquirer must check before it may use the lease. The ballot writes this host's sector with
     * the mode block it last wrote ({@link #ownModeBlock()}) and the RELEASED flag cleared, as sanlock's ballot does.
     */
    public void decideObserving(LeaderRecord leader, long lver, Inp value, RankedRegister.Callback<Ballot> done) {
        DiskRankedRegister.Config config = new DiskRankedRegister.Config(expected.geometry().sectorSizeBytes(),
                (int) leader.maxHosts(), (int) leader.numHosts(), hostId, lver, options.ioTimeoutNs(),
                options.opDeadlineNs(), ownSector.modeBlock(), areaId, options.requireStamps());
        boolean fast = mayUseFastRound(leader, lver, value);
        if (fast) {
            fastRoundLver = lver;
        }
        if (blankSectorCrcs == null || blankSectorCrcs.length != config.numHosts() + 1) {
            blankSectorCrcs = DblockStamp.blankSectorCrcs(config.numHosts(), areaId);
        }
        DiskRankedRegister register = new DiskRankedRegister(loop, replicas, config, writable, newestOwnBlock,
                blankSectorCrcs);
        ballotsRunning++;
        ownSector.ballotStarted();
        RankedRegister.Callback<Consensus.Decision<Inp>> decided = decision -> {
            ballotsRunning--;
            if (register.recovered() && (newestOwnBlock == null || !older(register.dblock(), newestOwnBlock))) {
                newestOwnBlock = register.dblock();
            }
            done.done(new Ballot(decision, register.sharedBlocksSeen()));
        };
        if (fast) {
            consensus.proposeAtLowestRank(register, Rank.ofHost(0, hostId), value, decided);
        } else {
            consensus.propose(register, Rank.ofHost(1, hostId), value, decided);
        }
    }

    /**
     * Whether this process may decide instance {@code lver} in the fast round: phase 2 at once at rank (round 0, this
     * host), skipping phase 1. Every other ballot starts at round 1, so that rank is the lowest of the instance; it is
     * given to the owner of the previous instance — the leader record of {@code lver - 1} names it, and all leaders
     * of one instance name the same owner, since they record its decision — and within it to one incarnation (the
     * owner's generation is the proposal's {@code inp2}). The incarnation uses it at most once per instance: this
     * object remembers the instance ({@link #fastRoundLver}) and knows from memory that it has not yet written a
     * block of {@code lver} ({@link #newestOwnBlock}, which needs one object per area per incarnation, as the
     * {@link DiskRankedRegister.Replica}s do). So one value per rank holds, and {@link Consensus#proposeAtLowestRank}
     * is safe. It saves one write and one read of all blocks when a host takes again a lease it was the last to hold.
     */
    private boolean mayUseFastRound(LeaderRecord leader, long lver, Inp value) {
        return lver == leader.lver() + 1 && leader.ownerId() == hostId && value.inp() == hostId
                && value.inp2() != 0 && leader.ownerGeneration() == value.inp2()
                && newestOwnBlock != null && newestOwnBlock.lver() < lver && fastRoundLver < lver;
    }

    /**
     * Reads the leader, decides the next instance with {@code value} as this process's proposal, and records the
     * outcome in the leader record ({@code writer} = this host id and {@code writerGeneration}). An instance found
     * superseded is skipped by reading the leader again.
     */
    public void acquire(Inp value, long writerGeneration, long writerTimestamp, RankedRegister.Callback<Acquired> done) {
        acquire(value, writerGeneration, writerTimestamp, 0, done);
    }

    private void acquire(Inp value, long writerGeneration, long writerTimestamp, int superseded,
                         RankedRegister.Callback<Acquired> done) {
        readLeader(read -> {
            if (read instanceof LeaderRead.WrongArea w) {
                done.done(new Acquired.Failed(w.message()));
                return;
            }
            if (read instanceof LeaderRead.Unavailable u) {
                done.done(new Acquired.Failed(u.message()));
                return;
            }
            LeaderRecord leader = ((LeaderRead.Leader) read).leader();
            long lver = leader.lver() + 1;
            decide(leader, lver, value, decision -> {
                if (decision instanceof Consensus.Decision.Decided<Inp> d) {
                    Inp owner = d.value();
                    LeaderRecord next = leader.withLver(lver).withOwner(owner.inp(), owner.inp2(), owner.inp3())
                            .withWriter(hostId, writerGeneration, writerTimestamp);
                    writeLeader(next, failure -> done.done(failure == null ? new Acquired.Decided(lver, owner, next)
                            : new Acquired.Failed("instance " + lver + " was decided (owner " + owner + ") but "
                            + failure)));
                } else if (decision instanceof Consensus.Decision.Superseded<Inp> s) {
                    if (superseded + 1 >= SUPERSEDED_MAX) {
                        done.done(new Acquired.Failed("instances kept moving past " + s.instanceSeen()));
                    } else {
                        // Another host decided the instance first. Retrying at once lets a host that keeps winning
                        // starve this one (SUPERSEDED_MAX losses in a row); a random pause of up to 2^k backoff
                        // slots after the k-th loss gives it its turn.
                        long slots = 1L << Math.min(superseded + 1, 8);
                        loop.schedule(options.backoffSlotNs() * random.nextLong(slots), () -> acquire(value,
                                writerGeneration, writerTimestamp, superseded + 1, done));
                    }
                } else {
                    done.done(new Acquired.Failed(((Consensus.Decision.Failed<Inp>) decision).reason()));
                }
            });
        });
    }

    /**
     * Notes that this process freed {@code freed} (a version it decided with its own value) on a majority of disks: its
     * next acquire may start from it instead of reading the leader ({@link #takeFreedLeader}).
     */
    public void rememberFreedLeader(LeaderRecord freed) {
        freedLeader = freed;
    }

    /**
     * The leader this process last freed, once: an acquire that starts from it skips the leader read and, being the
     * last owner, goes straight to the fast round. If another host has moved on since, the ballot finds its blocks
     * (a higher rank aborts the fast round; a later instance supersedes it) and the acquire reads the leader after
     * all. Null if nothing was freed since the last take, or if the last leader read left a disk out.
     */
    public LeaderRecord takeFreedLeader() {
        LeaderRecord l = freedLeader;
        freedLeader = null;
        if (l != null && !allDisksWritable()) {
            // A disk left out at the last leader read stays left out until the next one: read the leader, so that a
            // disk that has recovered is written again.
            return null;
        }
        return l;
    }

    private boolean allDisksWritable() {
        if (writable == null) {
            return false;
        }
        for (boolean w : writable) {
            if (!w) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // This host's sector outside ballots; other hosts' sectors

    /** The mode block this process last wrote to its sector; its ballots keep writing it. */
    public ModeBlock ownModeBlock() {
        return ownSector.modeBlock();
    }

    /**
     * Rewrites this host's sector with the dblock values of the newest block it wrote (unchanged; it must be of lease
     * version {@code lver}, so the flag cannot land on a later version's block), the {@code DBLOCK_FL_RELEASED} flag
     * set or not, and {@code mode} as its mode block; {@code done} gets null once a majority of disks wrote it, else
     * why not. Disks that missed it are rewritten in the background ({@link OwnSector}). Needs a ballot of this
     * incarnation first, and none running; writes only disks whose area validated in the last {@link #readLeader}.
     */
    public void writeOwnSector(long lver, boolean released, ModeBlock mode, RankedRegister.Callback<String> done) {
        ownSector.write(lver, released, mode, done);
    }

    /**
     * {@link #writeOwnSector} after {@code delayNs}, unless this process's next ballot on the area or another write of
     * its sector comes first, or {@code stillWanted} says no by then; nobody is told the outcome.
     */
    public void writeOwnSectorLater(long lver, boolean released, ModeBlock mode, long delayNs,
                                    BooleanSupplier stillWanted) {
        ownSector.writeLater(lver, released, mode, delayNs, stillWanted);
    }

    /** The records beside the leader and the ballot: hosts' sectors, the lock value block, the request record. */
    public AreaRecords records() {
        return records;
    }

    private static ByteBuffer aligned(int lengthBytes) {
        return BlockDevices.alignedDirectBuffer(lengthBytes, BufferPool.ALIGNMENT_BYTES);
    }
}
