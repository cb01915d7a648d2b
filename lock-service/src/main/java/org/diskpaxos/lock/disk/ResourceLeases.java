package org.diskpaxos.lock.disk;

import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.ondisk.LeaderRecord;

/**
 * Exclusive resource leases of one host in one joined {@link Lockspace}, on sanlock's paxos lease areas: acquire by
 * deciding the next lease version ({@code lver}) with this host as owner, release by marking the leader free.
 * Leases are never renewed one by one: a lease is valid exactly as long as its holder's delta lease is
 * (sanlock: "many paxos lease renewals are factored out into one delta lease renewal").
 *
 * <h2>Acquire (sanlock's {@code paxos_lease_acquire}, with our liveness rules)</h2>
 * <ol>
 *   <li>Read the leader record. If it is free, or owned by this host's current or an earlier incarnation, go on.</li>
 *   <li>Otherwise watch the owner's delta lease ({@link HostWatch}): renewed → the owner is alive, the lease is
 *       busy (wait for its release, or give up at the deadline); left, rejoined as a new incarnation, or silent
 *       for {@code hostDead} → its holders have provably stopped (see {@link LeaseTimeouts}): go on.</li>
 *   <li>Decide instance {@code lver + 1} with value (host id, generation, timestamp) and record it in the leader.
 *       The decision can be another host's value (a racing acquirer, or a crashed one's value adopted by the
 *       ballot): then start over, now facing that owner.</li>
 * </ol>
 * The fencing token is the decided {@code lver}: strictly increasing per resource, since every instance is decided
 * once and each acquire decides a new one.
 */
public final class ResourceLeases {

    /** How an acquire ended. */
    public sealed interface Outcome {
        /** Held, with fencing token {@code lver}; valid while the host's delta lease is. */
        record Held(long lver, LeaderRecord leader) implements Outcome {
        }

        /** Owned by a live host and not released before the deadline. */
        record Busy(long ownerHostId, String ownerName, long lver) implements Outcome {
        }

        /** The area is wrong, the disks are unavailable, or this host's membership is not valid. */
        record Failed(String reason) implements Outcome {
        }
    }

    private final Lockspace lockspace;

    private long lastProposalTimestampMs;

    /**
     * The value's third field (sanlock's {@code inp3}, the acquirer's monotonic time): strictly increasing per
     * process, so every proposal is a distinct value and a decision equal to ours is this attempt's, not an
     * earlier acquire's decision met again through a stale leader record.
     */
    private long nextProposalTimestampMs() {
        lastProposalTimestampMs = Math.max(lastProposalTimestampMs + 1, lockspace.loop().nowNs() / 1_000_000L);
        return lastProposalTimestampMs;
    }

    public ResourceLeases(Lockspace lockspace) {
        this.lockspace = Objects.requireNonNull(lockspace, "lockspace");
    }

    public Lockspace lockspace() {
        return lockspace;
    }

    /**
     * Acquires the resource exclusively, waiting for a live owner's release until the loop's clock passes
     * {@code deadlineNs} (use the current time for "try once").
     */
    public void acquire(DiskPaxosResource resource, long deadlineNs, Consumer<Outcome> done) {
        new Attempt(resource, deadlineNs, done).start();
    }

    private final class Attempt {
        private final DiskPaxosResource resource;
        private final long deadlineNs;
        private final Consumer<Outcome> done;
        private int rounds;

        Attempt(DiskPaxosResource resource, long deadlineNs, Consumer<Outcome> done) {
            this.resource = resource;
            this.deadlineNs = deadlineNs;
            this.done = done;
        }

        void start() {
            if (++rounds > 64) {
                done.accept(new Outcome.Failed("no decision after " + (rounds - 1) + " rounds"));
                return;
            }
            if (lockspace.state() != Lockspace.State.JOINED) {
                done.accept(new Outcome.Failed("this host is not a valid member of lockspace '"
                        + lockspace.lockspaceName() + "' (" + lockspace.state() + ")"));
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
            HostWatch.Verdict gone = lockspace.hostGone(leader.ownerId(), leader.ownerGeneration());
            if (gone != null) {
                decide(leader);
            } else {
                busy(leader, lockspace.lastSeen(leader.ownerId()));
            }
        }

        private void busy(LeaderRecord leader, LeaderRecord ownerSlot) {
            String name = ownerSlot == null ? "" : ownerSlot.resourceName();
            if (lockspace.loop().nowNs() >= deadlineNs) {
                done.accept(new Outcome.Busy(leader.ownerId(), name, leader.lver()));
                return;
            }
            // Held by a host not known to be gone: look again after a while (it may release the lease, or the
            // background watch may prove it dead).
            long pauseNs = Math.min(lockspace.timeouts().renewIntervalNs(), deadlineNs - lockspace.loop().nowNs());
            lockspace.loop().schedule(pauseNs, this::start);
        }

        private void decide(LeaderRecord leader) {
            long lver = leader.lver() + 1;
            long timestampMs = nextProposalTimestampMs();
            Inp mine = new Inp(lockspace.hostId(), lockspace.generation(), timestampMs);
            resource.decide(leader, lver, mine, decision -> {
                if (decision instanceof Consensus.Decision.Decided<Inp> d) {
                    Inp owner = d.value();
                    LeaderRecord next = leader.withLver(lver).withOwner(owner.inp(), owner.inp2(), owner.inp3())
                            .withWriter(lockspace.hostId(), lockspace.generation(), timestampMs);
                    if (owner.equals(mine)) {
                        // Decided: the lease is ours now. The leader record only tells others cheaply; a host that
                        // reads a stale one decides this instance again and learns the same owner. So write it in
                        // the background (its gate orders it before our release's write).
                        resource.writeLeader(next, failure -> { });
                        done.accept(new Outcome.Held(lver, next));
                    } else {
                        resource.writeLeader(next, failure -> start());
                    }
                } else if (decision instanceof Consensus.Decision.Superseded<Inp>) {
                    start();
                } else {
                    retryOrFail(((Consensus.Decision.Failed<Inp>) decision).reason());
                }
            });
        }

        private void retryOrFail(String reason) {
            if (lockspace.loop().nowNs() >= deadlineNs) {
                done.accept(new Outcome.Failed(reason));
                return;
            }
            lockspace.loop().schedule(Math.min(lockspace.timeouts().ioTimeoutNs(),
                    deadlineNs - lockspace.loop().nowNs()), this::start);
        }
    }

    /**
     * Releases a lease this host holds: writes the leader it recorded at acquire, marked free. No read first: our
     * own leader write (possibly still in flight, ordered before this one per disk) is the newest, since nobody
     * takes a lease from a live holder. {@code done} gets null on success, else why not (the lease is then freed
     * by this host's leaving or death).
     */
    public void release(DiskPaxosResource resource, LeaderRecord heldLeader, Consumer<String> done) {
        long timestampMs = Math.max(1, lockspace.loop().nowNs() / 1_000_000L);
        resource.writeLeader(heldLeader.withTimestamp(0).withWriter(lockspace.hostId(), lockspace.generation(),
                timestampMs), done::accept);
    }
}
