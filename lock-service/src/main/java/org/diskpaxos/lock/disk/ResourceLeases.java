package org.diskpaxos.lock.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.disk.DiskRankedRegister;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;

/**
 * Exclusive and shared resource leases of one host in one joined {@link Lockspace}, on sanlock's paxos lease areas:
 * acquire by deciding the next lease version ({@code lver}) with this host as owner, release by marking the leader
 * free. Leases are never renewed one by one: a lease is valid exactly as long as its holder's delta lease is
 * (sanlock: "many paxos lease renewals are factored out into one delta lease renewal").
 *
 * <h2>Acquire (sanlock's {@code paxos_lease_acquire}, with our liveness rules)</h2>
 * <ol>
 *   <li>Read the leader record. If it is free, or owned by this host's current or an earlier incarnation, go on.</li>
 *   <li>Otherwise watch the owner's delta lease ({@link HostWatch}): left, rejoined as a new incarnation, or silent
 *       for {@code hostDead} → its holders have provably stopped (see {@link LeaseTimeouts}): go on. A leader with
 *       {@code LFL_SHORT_HOLD} is a shared acquirer's brief exclusive hold: look again after a short random pause
 *       (at most {@value #SHORT_HOLD_RETRIES_MAX} times). If the owner's own block, on a majority of disks, says it
 *       let go of this lease version ({@code DBLOCK_FL_RELEASED}), go on; else the lease is busy.</li>
 *   <li>Decide instance {@code lver + 1} with value (host id, generation, timestamp). The decision can be another
 *       host's value (a racing acquirer, or a crashed one's value adopted by the ballot): record it in the leader and
 *       start over, now facing that owner.</li>
 *   <li>Exclusive: the ballot read every host's sector; a {@code SHARED} mode block of a live host means readers
 *       hold the lease: free it again and report busy. Blocks of hosts proven gone are cleared.
 *       Shared: write this host's sector with a {@code SHARED} mode block, then free the leader (which carried
 *       {@code LFL_SHORT_HOLD} meanwhile).</li>
 * </ol>
 * The fencing token is the decided {@code lver}: strictly increasing per resource, since every instance is decided
 * once and each acquire decides a new one; a shared holder's token is the version it acquired under.
 *
 * <h2>Why a shared holder is never missed</h2>
 * A shared acquirer frees the leader only after its mode block reached a majority of disks, and releases its short
 * exclusive hold on a majority ({@code DBLOCK_FL_RELEASED}) in the same write. An exclusive acquirer starts its ballot
 * for the next instance only after reading that free leader, or that RELEASED flag on a majority, or proving the
 * holder gone; every ballot read it then makes covers a majority of disks, which meets the holder's majority.
 *
 * <h2>Where we differ from sanlock</h2>
 * sanlock trusts a live owner's RELEASED flag only when the leader was written by another host
 * ({@code write_id != owner_id}, the "clobbered leader" of sanlock.md §2.2). We trust it whenever it is on a majority
 * of disks with the leader's version (or the owner's block moved on to a later version): a holder writes it only as
 * it lets go, so this also frees a lease whose releasing leader write failed. And sanlock's release writes the flag
 * before the leader; we free the leader first and write the flag a moment later, or not at all if our next ballot
 * on the area writes a block of a later version first (either one lets others in; see {@link #releaseOnDisk}).
 */
public final class ResourceLeases {

    /** Times an acquirer looks again, after a short random pause, at a leader held briefly by a shared acquirer. */
    public static final int SHORT_HOLD_RETRIES_MAX = 8;
    /** Rounds (leader reads) one acquire may take before it gives up. */
    public static final int ROUNDS_MAX = 64;
    /**
     * How long an exclusive holder waits before it writes the leader record naming it owner: a release sooner than
     * that writes only the freed record. Meanwhile a host reading the older record decides the instance again and
     * learns the owner from the ballot, as it would from a leader write that failed.
     */
    public static final long OWNER_LEADER_DELAY_NS = 2_000_000L;
    /** How long after freeing the leader a releasing host writes the RELEASED flag (see {@link #releaseOnDisk}). */
    public static final long RELEASED_FLAG_DELAY_NS = 2_000_000L;

    /** How an acquire ended. */
    public sealed interface Outcome {
        /**
         * Held in {@code mode}, with fencing token {@code lver}; valid while the host's delta lease is.
         * {@code leader} is the leader record this holder wrote (for a shared holder: the freed one);
         * {@code leaderWritten} completes with null or the problem when that background write finished (an
         * exclusive holder's is written {@link #OWNER_LEADER_DELAY_NS} late, and null also means that a later leader
         * write of this host, such as its release's, replaced it).
         */
        record Held(long lver, LeaderRecord leader, LeaseMode mode, CompletableFuture<String> leaderWritten)
                implements Outcome {
            public Held(long lver, LeaderRecord leader) {
                this(lver, leader, LeaseMode.EXCLUSIVE, CompletableFuture.completedFuture(null));
            }
        }

        /** Owned by a live host (or held shared by live hosts) and not released before the deadline. */
        record Busy(long ownerHostId, String ownerName, long lver) implements Outcome {
        }

        /**
         * The area is wrong, the disks are unavailable, or this host's membership is not valid. {@code mayOwn}: the
         * last ballot failed without an answer (its disks timed out), so it may still have been decided with this
         * attempt's value, and other hosts would then see this live host as owner of a lease nobody here holds —
         * the caller must settle it ({@link LockspaceSession} acquires and releases once more in the background).
         */
        record Failed(String reason, boolean mayOwn) implements Outcome {
            public Failed(String reason) {
                this(reason, false);
            }
        }
    }

    private final Lockspace lockspace;
    private final RandomSource random;

    private long lastProposalTimestampMs;

    public ResourceLeases(Lockspace lockspace) {
        this(lockspace, RandomSource.seeded(System.nanoTime() ^ lockspace.hostId()));
    }

    /** @param random for the pauses between retries against a shared acquirer's short hold */
    public ResourceLeases(Lockspace lockspace, RandomSource random) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
        this.random = Objects.requireNonNull(random, "random");
    }

    public Lockspace lockspace() {
        return lockspace;
    }

    /**
     * The value's third field (sanlock's {@code inp3}, the acquirer's monotonic time): strictly increasing per
     * process, so every proposal is a distinct value and a decision equal to ours is this attempt's, not an
     * earlier acquire's decision met again through a stale leader record.
     */
    private long nextProposalTimestampMs() {
        lastProposalTimestampMs = Math.max(lastProposalTimestampMs + 1, lockspace.loop().nowNs() / 1_000_000L);
        return lastProposalTimestampMs;
    }

    /**
     * Acquires the resource exclusively, waiting for a live owner's release until the loop's clock passes
     * {@code deadlineNs} (use the current time for "try once").
     */
    public void acquire(DiskPaxosResource resource, long deadlineNs, Consumer<Outcome> done) {
        acquire(resource, LeaseMode.EXCLUSIVE, deadlineNs, done);
    }

    /** Acquires the resource in {@code mode}, waiting for live holders until {@code deadlineNs}. */
    public void acquire(DiskPaxosResource resource, LeaseMode mode, long deadlineNs, Consumer<Outcome> done) {
        new Attempt(resource, mode, deadlineNs, done).start();
    }

    private final class Attempt {
        private final DiskPaxosResource resource;
        private final LeaseMode mode;
        private final long deadlineNs;
        private final Consumer<Outcome> done;
        private int rounds;
        private int shortHoldRetries;
        /**
         * The lowest instance worth deciding: a ballot found a block of this instance, so every earlier one is over
         * even if the leader record says otherwise. See {@link #decide}.
         */
        private long instanceFloor;
        /** The last ballot failed without an answer: it may have been decided with our value. */
        private boolean mayOwn;

        Attempt(DiskPaxosResource resource, LeaseMode mode, long deadlineNs, Consumer<Outcome> done) {
            this.resource = resource;
            this.mode = Objects.requireNonNull(mode, "mode");
            this.deadlineNs = deadlineNs;
            this.done = done;
        }

        void start() {
            startFrom(null);
        }

        /** A new round, from {@code leader} if it was just read, else from a leader read. */
        private void startFrom(LeaderRecord leader) {
            if (++rounds > ROUNDS_MAX) {
                done.accept(new Outcome.Failed("no decision after " + (rounds - 1) + " rounds", mayOwn));
                return;
            }
            if (leader == null) {
                look();
            } else if (stillMember()) {
                considerOwner(leader);
            }
        }

        /** Whether this host is a valid member of the lockspace; if not, the attempt has failed. */
        private boolean stillMember() {
            if (lockspace.state() == Lockspace.State.JOINED) {
                return true;
            }
            done.accept(new Outcome.Failed("this host is not a valid member of lockspace '"
                    + lockspace.lockspaceName() + "' (" + lockspace.state() + ")"));
            return false;
        }

        /** Reads the leader and acts on it; a look after a busy pause is not a round (waits are bounded by time). */
        private void look() {
            if (!stillMember()) {
                return;
            }
            LeaderRecord freed = resource.takeFreedLeader();
            if (freed != null && rounds == 1 && freed.ownerId() == lockspace.hostId()
                    && freed.ownerGeneration() == lockspace.generation()) {
                // This incarnation freed the newest version it knows of: start from there, as the last owner.
                considerOwner(freed);
                return;
            }
            resource.readLeader(read -> {
                if (read instanceof DiskPaxosResource.LeaderRead.WrongArea w) {
                    done.accept(new Outcome.Failed(w.message()));
                } else if (read instanceof DiskPaxosResource.LeaderRead.Unavailable u) {
                    retryOrFail(u.message());
                } else {
                    considerOwner(((DiskPaxosResource.LeaderRead.Leader) read).leader());
                }
            });
        }

        private void considerOwner(LeaderRecord leader) {
            if (lockspace.hostId() > leader.numHosts()) {
                // The ballot has no block for us: refuse here, before any write (the register would reject it).
                done.accept(new Outcome.Failed("host id " + lockspace.hostId() + " cannot acquire resource '"
                        + leader.resourceName() + "': its area was formatted with num_hosts " + leader.numHosts()
                        + "; use a host id 1.." + leader.numHosts() + " or a resource with more host slots"));
                return;
            }
            if (leader.isFree() || leader.ownerId() == lockspace.hostId()
                    && leader.ownerGeneration() <= lockspace.generation()) {
                decide(leader);
                return;
            }
            if (lockspace.hostGone(leader.ownerId(), leader.ownerGeneration()) != null) {
                decide(leader);
                return;
            }
            if (leader.hasShortHold() && shortHoldRetries < SHORT_HOLD_RETRIES_MAX
                    && lockspace.loop().nowNs() < deadlineNs) {
                // A shared acquirer holds the leader for the moment it takes to write its mode block.
                shortHoldRetries++;
                long pauseNs = Math.min(1 + random.nextLong(Math.max(1, lockspace.timeouts().ioTimeoutNs() / 2)),
                        deadlineNs - lockspace.loop().nowNs());
                lockspace.loop().schedule(pauseNs, this::start);
                return;
            }
            resource.records().readHostSector(leader.ownerId(), owner -> {
                int majority = resource.diskCount() / 2 + 1;
                if (owner.disksReleased(leader.lver()) >= majority) {
                    decide(leader);
                } else {
                    busy(leader.ownerId(), leader.lver());
                }
            });
        }

        private void busy(long holderHostId, long lver) {
            LeaderRecord slot = lockspace.lastSeen(holderHostId);
            String name = slot == null ? "" : slot.resourceName();
            if (lockspace.loop().nowNs() >= deadlineNs) {
                done.accept(new Outcome.Busy(holderHostId, name, lver));
                return;
            }
            // Held by a host not known to be gone: look again after a while (it may release the lease, or the
            // background watch may prove it dead).
            long pauseNs = Math.min(lockspace.timeouts().renewIntervalNs(), deadlineNs - lockspace.loop().nowNs());
            lockspace.loop().schedule(pauseNs, this::look);
        }

        /**
         * Decides the instance after {@code leader}'s, or {@link #instanceFloor} if that is later. The leader record is
         * only a hint, written by whoever last decided or released, and a late write can put back an older one:
         *
         * <pre>
         *  host 3 (shared acquire, version 19)      host 2, host 4
         *  decide 19 with the short hold
         *  own sector: SHARED + RELEASED (majority)
         *                                           see 19 released: decide 20, 21 (and give them up:
         *                                           host 3 holds it shared), write leaders 20, 21
         *  free the leader: write leader 19   ──►   the leader reads 19 again
         * </pre>
         *
         * Deciding 20 again then finds blocks of 21 (Superseded) on every try, and re-reading the leader gives 19
         * forever: no acquire of the resource ever succeeds (lease simulation seed 1777). A block of instance
         * {@code s} exists only because some host ran {@code s} after judging {@code s - 1} over (free, released,
         * or its owner gone), so deciding {@code s} directly is safe: if it was decided we learn its owner and look
         * at that owner as for any leader; a SHARED holder is still seen by the ballot's read.
         */
        private void decide(LeaderRecord leader) {
            long lver = Math.max(leader.lver() + 1, instanceFloor);
            long timestampMs = nextProposalTimestampMs();
            Inp mine = new Inp(lockspace.hostId(), lockspace.generation(), timestampMs);
            resource.decideObserving(leader, lver, mine, ballot -> {
                Consensus.Decision<Inp> decision = ballot.decision();
                mayOwn = decision instanceof Consensus.Decision.Failed<Inp>;
                if (decision instanceof Consensus.Decision.Decided<Inp> d) {
                    Inp owner = d.value();
                    LeaderRecord next = leader.withLver(lver).withOwner(owner.inp(), owner.inp2(), owner.inp3())
                            .withWriter(lockspace.hostId(), lockspace.generation(), timestampMs)
                            .withFlags(leader.flags() & ~LeaderRecordDescriptor.LFL_SHORT_HOLD);
                    if (!owner.equals(mine)) {
                        recordOwnerAndStartOver(next);
                    } else if (mode == LeaseMode.EXCLUSIVE) {
                        checkSharedHolders(next, ballot.sharedBlocksSeen());
                    } else {
                        holdShared(next);
                    }
                } else if (decision instanceof Consensus.Decision.Superseded<Inp> superseded) {
                    instanceFloor = Math.max(instanceFloor, superseded.instanceSeen());
                    start();
                } else {
                    retryOrFail(((Consensus.Decision.Failed<Inp>) decision).reason());
                }
            });
        }

        /**
         * The ballot decided another host's value: write the leader record naming that owner — unless the leader on
         * disk is of this version or a later one already. The owner writes its own record (a freed one, if it has
         * released the lease since), and ours, written over it, would say "owned" again: others would then wait for
         * the owner's RELEASED flag, which a release writes only a moment later. Then look again, facing that owner.
         */
        private void recordOwnerAndStartOver(LeaderRecord next) {
            resource.readLeader(read -> {
                if (!(read instanceof DiskPaxosResource.LeaderRead.Leader l)) {
                    start();
                } else if (l.leader().lver() < next.lver()) {
                    resource.writeLeader(next, failure -> startFrom(next));
                } else {
                    startFrom(l.leader());
                }
            });
        }

        /**
         * Exclusive, decided: grant unless a live host holds the lease shared. Mode blocks of incarnations proven gone
         * are cleared (through the leader's gate, so before our later leader writes), whatever the outcome.
         */
        private void checkSharedHolders(LeaderRecord next, List<DiskRankedRegister.SharedBlockSeen> seen) {
            if (seen.isEmpty()) {
                grant(next);
                return;
            }
            Map<Long, Long> generation = new TreeMap<>();
            for (DiskRankedRegister.SharedBlockSeen b : seen) {
                generation.merge(b.hostId(), b.generation(), Math::max);
            }
            List<DiskRankedRegister.SharedBlockSeen> gone = new ArrayList<>();
            long liveHolder = 0;
            for (DiskRankedRegister.SharedBlockSeen b : seen) {
                if (lockspace.hostGone(b.hostId(), generation.get(b.hostId())) != null) {
                    gone.add(b);
                } else if (liveHolder == 0) {
                    liveHolder = b.hostId();
                }
            }
            if (!gone.isEmpty()) {
                resource.records().clearModeBlocks(gone, failure -> { });
            }
            if (liveHolder == 0) {
                grant(next);
                return;
            }
            // Readers hold it: give the version up again (as a release does), then wait like any busy acquirer.
            long holder = liveHolder;
            releaseOnDisk(resource, next, LeaseMode.EXCLUSIVE, failure -> busy(holder, next.lver()));
        }

        private void grant(LeaderRecord next) {
            // Decided: the lease is ours now. The leader record only tells others cheaply; a host that reads a stale
            // one decides this instance again and learns the same owner. So write it in the background, and a little
            // later: a release within OWNER_LEADER_DELAY_NS writes the freed record instead, one leader write in
            // place of two (the gate orders an issued one before the release's).
            CompletableFuture<String> written = new CompletableFuture<>();
            resource.writeLeaderLater(next, OWNER_LEADER_DELAY_NS,
                    () -> lockspace.state() == Lockspace.State.JOINED, written::complete);
            done.accept(new Outcome.Held(next.lver(), next, LeaseMode.EXCLUSIVE, written));
        }

        /**
         * Shared, decided: the leader says so with {@code LFL_SHORT_HOLD}; our sector gets a SHARED mode block (and
         * RELEASED for the short exclusive hold) on a majority — from then on we hold it shared — and the leader is
         * freed in the background.
         */
        private void holdShared(LeaderRecord next) {
            LeaderRecord shortHold = next.withFlags(next.flags() | LeaderRecordDescriptor.LFL_SHORT_HOLD);
            resource.writeLeader(shortHold, failure -> { });
            resource.writeOwnSector(next.lver(), true, ModeBlock.shared(lockspace.generation()), failure -> {
                if (failure != null) {
                    releaseOnDisk(resource, next, LeaseMode.EXCLUSIVE, ignored -> retryOrFail(
                            "the shared mode block was not written: " + failure));
                    return;
                }
                LeaderRecord free = next.withTimestamp(0);
                CompletableFuture<String> written = new CompletableFuture<>();
                resource.writeLeader(free, written::complete);
                done.accept(new Outcome.Held(next.lver(), free, LeaseMode.SHARED, written));
            });
        }

        private void retryOrFail(String reason) {
            if (lockspace.loop().nowNs() >= deadlineNs) {
                done.accept(new Outcome.Failed(reason, mayOwn));
                return;
            }
            lockspace.loop().schedule(Math.min(lockspace.timeouts().ioTimeoutNs(),
                    deadlineNs - lockspace.loop().nowNs()), this::start);
        }
    }

    /**
     * Releases an exclusive lease this host holds: writes this host's block with {@code DBLOCK_FL_RELEASED} (values
     * kept) and the leader it recorded at acquire, marked free, in parallel. {@code done} gets null once the leader
     * is free on a majority, else why not (the lease is then freed by the RELEASED flag, this host's leaving, or its
     * death).
     */
    public void release(DiskPaxosResource resource, LeaderRecord heldLeader, Consumer<String> done) {
        releaseOnDisk(resource, heldLeader, LeaseMode.EXCLUSIVE, done);
    }

    /**
     * Releases a lease this host holds in {@code mode}. Exclusive: first writes {@code lvb} (if not null) as the lock
     * value block — if that fails nothing else is written, so that nobody takes the lease without it — then as
     * {@link #release(DiskPaxosResource, LeaderRecord, Consumer)}. Shared: clears this host's mode block (RELEASED
     * kept); if the acquire's leader-freeing write had failed ({@code leaderWritten}), frees the leader too, provided
     * it still names this host at that version.
     */
    public void release(DiskPaxosResource resource, LeaderRecord heldLeader, LeaseMode mode, byte[] lvb,
                        CompletableFuture<String> leaderWritten, Consumer<String> done) {
        if (mode == LeaseMode.SHARED) {
            resource.writeOwnSector(heldLeader.lver(), true, ModeBlock.NONE, failure -> {
                String leaderProblem = leaderWritten == null ? null : leaderWritten.getNow("not finished");
                if (leaderProblem == null) {
                    done.accept(failure);
                    return;
                }
                freeShortHoldIfStillOurs(resource, heldLeader, leaderFailure -> done.accept(failure));
            });
            return;
        }
        if (lvb == null) {
            releaseOnDisk(resource, heldLeader, LeaseMode.EXCLUSIVE, done);
            return;
        }
        resource.records().writeLvb(heldLeader.lver(), lvb, failure -> {
            if (failure != null) {
                done.accept("the lock value block was not written, so the lease stays held until this host leaves: "
                        + failure);
            } else {
                releaseOnDisk(resource, heldLeader, LeaseMode.EXCLUSIVE, done);
            }
        });
    }

    /**
     * Frees the leader; {@code done} gets null once the freed record is on a majority, else why not. This host's block
     * gets {@code DBLOCK_FL_RELEASED} too, which lets others in should the freed record not reach them (its write
     * failed, or another host's late write of the held record landed over it). With the leader freed that is rare,
     * so the flag is written {@link #RELEASED_FLAG_DELAY_NS} later, and not at all if this host's next ballot on the
     * area starts first: its block of a later instance says the same ({@code disksReleased}). A failed leader write
     * has the flag written at once and reports after it.
     */
    private void releaseOnDisk(DiskPaxosResource resource, LeaderRecord heldLeader, LeaseMode mode,
                               Consumer<String> done) {
        long timestampMs = Math.max(1, lockspace.loop().nowNs() / 1_000_000L);
        resource.writeOwnSectorLater(heldLeader.lver(), true, ModeBlock.NONE, RELEASED_FLAG_DELAY_NS,
                () -> lockspace.state() == Lockspace.State.JOINED);
        LeaderRecord freed = heldLeader.withTimestamp(0).withWriter(lockspace.hostId(), lockspace.generation(),
                timestampMs).withFlags(heldLeader.flags() & ~LeaderRecordDescriptor.LFL_SHORT_HOLD);
        resource.writeLeader(freed, failure -> {
            if (failure == null) {
                if (freed.ownerId() == lockspace.hostId()) {
                    resource.rememberFreedLeader(freed);
                }
                done.accept(null);
                return;
            }
            resource.writeOwnSector(heldLeader.lver(), true, ModeBlock.NONE, flagFailure -> done.accept(failure));
        });
    }

    /** sanlock's release check: write the free leader only if the newest one still names us at that version. */
    private void freeShortHoldIfStillOurs(DiskPaxosResource resource, LeaderRecord held, Consumer<String> done) {
        resource.readLeader(read -> {
            if (!(read instanceof DiskPaxosResource.LeaderRead.Leader l)) {
                done.accept(String.valueOf(read));
                return;
            }
            LeaderRecord now = l.leader();
            if (now.lver() != held.lver() || now.isFree() || now.ownerId() != lockspace.hostId()) {
                done.accept(null);
                return;
            }
            resource.writeLeader(held.withTimestamp(0).withFlags(held.flags() & ~LeaderRecordDescriptor.LFL_SHORT_HOLD),
                    done::accept);
        });
    }

    /** What a request did: the version written and the holders signalled, or why nothing was done. */
    public sealed interface RequestOutcome {
        record Requested(long lver, List<Long> holderHostIds) implements RequestOutcome {
        }

        record Failed(String reason) implements RequestOutcome {
        }
    }

    /**
     * Asks the holders of {@code resource} to let go (sanlock's {@code request_token}, sanlock.md §2.7): finds them
     * (the leader's owner; if the leader is free, the hosts with a SHARED mode block and those whose block is of a
     * later version, one of which may hold it before its leader record says so), writes the request record
     * with the next lease version (never lowering the one there) and {@code forceMode}, and sets each holder's bit in
     * this host's delta lease for {@link LeaseTimeouts#requestBitKeepNs()}. Nobody holding it is not an error:
     * {@code Requested} with no hosts, and nothing written.
     */
    public void request(DiskPaxosResource resource, int forceMode, Consumer<RequestOutcome> done) {
        if (lockspace.state() != Lockspace.State.JOINED) {
            done.accept(new RequestOutcome.Failed("this host is not a valid member of lockspace '"
                    + lockspace.lockspaceName() + "' (" + lockspace.state() + ")"));
            return;
        }
        resource.readLeader(read -> {
            if (read instanceof DiskPaxosResource.LeaderRead.WrongArea w) {
                done.accept(new RequestOutcome.Failed(w.message()));
                return;
            }
            if (read instanceof DiskPaxosResource.LeaderRead.Unavailable u) {
                done.accept(new RequestOutcome.Failed(u.message()));
                return;
            }
            LeaderRecord leader = ((DiskPaxosResource.LeaderRead.Leader) read).leader();
            if (!leader.isFree()) {
                if (leader.ownerId() == lockspace.hostId() && leader.ownerGeneration() == lockspace.generation()) {
                    done.accept(new RequestOutcome.Failed("this host holds it (lease version " + leader.lver() + ")"));
                    return;
                }
                writeRequest(resource, leader, List.of(leader.ownerId()), forceMode, done);
                return;
            }
            resource.records().readSharedHolders(leader, holders -> {
                // Holders: the shared ones, and any host balloting past the free leader's version — it may hold a
                // version whose leader record it has not written yet (ResourceLeases.OWNER_LEADER_DELAY_NS). A host
                // asked that holds nothing ignores the request.
                java.util.TreeSet<Long> asked = new java.util.TreeSet<>(holders.generationByHost().keySet());
                asked.addAll(holders.laterVersionByHost().keySet());
                asked.remove((long) lockspace.hostId());
                List<Long> others = new ArrayList<>(asked);
                long newest = leader.lver();
                for (long v : holders.laterVersionByHost().values()) {
                    newest = Math.max(newest, v);
                }
                LeaderRecord base = leader.withLver(newest);
                if (holders.disksRead() < resource.diskCount() / 2 + 1) {
                    done.accept(new RequestOutcome.Failed("the hosts' sectors are readable on only "
                            + holders.disksRead() + " of " + resource.diskCount() + " disks ("
                            + String.join("; ", holders.problems()) + ")"));
                } else if (others.isEmpty()) {
                    done.accept(new RequestOutcome.Requested(leader.lver() + 1, List.of()));
                } else {
                    writeRequest(resource, base, others, forceMode, done);
                }
            });
        });
    }

    private void writeRequest(DiskPaxosResource resource, LeaderRecord leader, List<Long> holders, int forceMode,
                              Consumer<RequestOutcome> done) {
        resource.records().readRequest(read -> {
            if (read instanceof org.diskpaxos.paxos.disk.AreaRecords.RequestRead.Unavailable u) {
                done.accept(new RequestOutcome.Failed(u.message()));
                return;
            }
            long existing = ((org.diskpaxos.paxos.disk.AreaRecords.RequestRead.Found) read).newest().lver();
            long lver = Math.max(leader.lver() + 1, existing);
            resource.records().writeRequest(org.diskpaxos.paxos.ondisk.RequestRecord.request(lver, forceMode),
                    failure -> {
                        if (failure != null) {
                            done.accept(new RequestOutcome.Failed(failure));
                            return;
                        }
                        for (long h : holders) {
                            lockspace.signalHost(h);
                        }
                        done.accept(new RequestOutcome.Requested(lver, holders));
                    });
        });
    }
}
