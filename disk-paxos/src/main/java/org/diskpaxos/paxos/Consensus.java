package org.diskpaxos.paxos;

import java.util.Objects;
import org.diskpaxos.blockdev.async.EventLoop;

/**
 * Consensus for one instance, built once on any {@link RankedRegister} (Chockler and Malkhi §4): pick a rank above
 * every rank seen, {@code rrRead} it, write back the value read (or this process's own if none), decide on commit;
 * on preemption or abort back off for a random time and retry with a rank above the one that beat us.
 *
 * <p>Agreement: let {@code r1} be the smallest rank whose write commits, with value {@code v1}. Every write of rank
 * {@code r > r1} writes what its own read of rank {@code r} returned, and by ranked-register safety that read
 * returned a rank {@code >= r1}; by induction every write of rank {@code >= r1} carries {@code v1}. Validity: values
 * come only from proposals. Liveness needs one proposer to run alone for two operations; the randomized exponential
 * backoff (Chockler, Malkhi and Reiter) makes that likely when several contend.
 *
 * <p>The fast round ({@link #proposeAtLowestRank}): a proposer that knows its first rank is the lowest any process
 * will use in the instance may write at once, without the read. The read could only have returned
 * {@link Rank#ZERO} (no write of a lower rank exists), and the agreement argument above still holds: the one write
 * that skipped its read has the lowest rank, so it is not above {@code r1}. This is classic Paxos's first ballot of
 * a distinguished proposer; the lease layer gives that rank to the owner of the previous instance.
 *
 * <p>Runs on the register's {@link EventLoop}; deterministic given the {@link RandomSource}.
 */
public final class Consensus<V> {

    /** The most attempts one proposal makes before giving up. */
    public static final int ATTEMPTS_MAX = 1000;
    /** The most consecutive "majority unavailable" outcomes before a proposal fails. */
    public static final int UNAVAILABLE_MAX = 3;

    private final EventLoop loop;
    private final RandomSource random;
    private final long backoffSlotNs;
    private final int backoffDoublingsMax;

    /**
     * @param backoffSlotNs       the smallest first backoff window; the window is at least as long as the last
     *                            attempt took, so it adapts to slow disks
     * @param backoffDoublingsMax the window doubles after each failed attempt, at most this many times
     */
    public Consensus(EventLoop loop, RandomSource random, long backoffSlotNs, int backoffDoublingsMax) {
        if (backoffSlotNs <= 0 || backoffDoublingsMax < 0 || backoffDoublingsMax > 20) {
            throw new IllegalArgumentException("backoff slot must be positive and doublings 0..20");
        }
        this.loop = Objects.requireNonNull(loop, "loop");
        this.random = Objects.requireNonNull(random, "random");
        this.backoffSlotNs = backoffSlotNs;
        this.backoffDoublingsMax = backoffDoublingsMax;
    }

    /** How a proposal ended. */
    public sealed interface Decision<V> {
        /** {@code value} was decided (committed at {@code rank}); it may be another proposer's value. */
        record Decided<V>(V value, Rank rank, int attempts) implements Decision<V> {
        }

        /** A later instance exists; the caller should learn its outcome instead. */
        record Superseded<V>(long instanceSeen) implements Decision<V> {
        }

        /** A majority of disks or agents could not be reached, or the attempt limit was hit. */
        record Failed<V>(String reason) implements Decision<V> {
        }
    }

    /** The value phase 2 must write: the value read if there is one, else the proposer's own. */
    public static <V> V chooseValue(RankedRegister.ReadValue<V> read, V own) {
        return read.value() != null ? read.value() : own;
    }

    /**
     * Proposes {@code value} on {@code register}, starting at {@code firstRank} (which also names the proposing
     * process); {@code done} runs on the loop once, with the decision.
     */
    public void propose(RankedRegister<V> register, Rank firstRank, V value, RankedRegister.Callback<Decision<V>> done) {
        Objects.requireNonNull(value, "value");
        new Proposal(register, value, done).attempt(firstRank);
    }

    /**
     * {@link #propose}, whose first attempt writes {@code value} at {@code lowestRank} without reading first (the fast
     * round). The caller guarantees that no process writes a rank below {@code lowestRank} in this instance, that
     * only this process uses {@code lowestRank}, and that it proposes at it at most once per instance: one value per
     * rank. Retries after an abort or an unavailable majority read as usual, at ranks above it.
     */
    public void proposeAtLowestRank(RankedRegister<V> register, Rank lowestRank, V value,
                                    RankedRegister.Callback<Decision<V>> done) {
        Objects.requireNonNull(value, "value");
        new Proposal(register, value, done).writeFirst(lowestRank);
    }

    private final class Proposal {
        private final RankedRegister<V> register;
        private final V own;
        private final RankedRegister.Callback<Decision<V>> done;
        private int attempts;
        private int unavailableInARow;
        private long attemptStartNs;
        private long lastAttemptNs;

        Proposal(RankedRegister<V> register, V own, RankedRegister.Callback<Decision<V>> done) {
            this.register = register;
            this.own = own;
            this.done = done;
        }

        void writeFirst(Rank rank) {
            attempts++;
            attemptStartNs = loop.nowNs();
            register.rrWrite(rank, own, outcome -> afterWrite(rank, own, outcome));
        }

        void attempt(Rank rank) {
            attempts++;
            attemptStartNs = loop.nowNs();
            register.rrRead(rank, read -> {
                if (read instanceof RankedRegister.ReadValue<V> rv) {
                    unavailableInARow = 0;
                    V chosen = chooseValue(rv, own);
                    register.rrWrite(rank, chosen, outcome -> afterWrite(rank, chosen, outcome));
                } else if (read instanceof RankedRegister.Preempted<V> p) {
                    unavailableInARow = 0;
                    retry(rank.nextAbove(p.highestSeen()), null);
                } else if (read instanceof RankedRegister.Superseded<V> s) {
                    done.done(new Decision.Superseded<>(s.instanceSeen()));
                } else if (read instanceof RankedRegister.ReadUnavailable<V> u) {
                    retry(rank.nextAbove(rank), u.reason());
                }
            });
        }

        private void afterWrite(Rank rank, V chosen, RankedRegister.Outcome outcome) {
            if (outcome instanceof RankedRegister.Outcome.Committed) {
                done.done(new Decision.Decided<>(chosen, rank, attempts));
            } else if (outcome instanceof RankedRegister.Outcome.Aborted a) {
                unavailableInARow = 0;
                retry(rank.nextAbove(a.highestSeen()), null);
            } else if (outcome instanceof RankedRegister.Outcome.Superseded s) {
                done.done(new Decision.Superseded<>(s.instanceSeen()));
            } else if (outcome instanceof RankedRegister.Outcome.Unavailable u) {
                retry(rank.nextAbove(rank), u.reason());
            }
        }

        private void retry(Rank next, String unavailableReason) {
            if (unavailableReason != null && ++unavailableInARow >= UNAVAILABLE_MAX) {
                done.done(new Decision.Failed<>(unavailableReason));
                return;
            }
            if (attempts >= ATTEMPTS_MAX) {
                done.done(new Decision.Failed<>("no decision after " + attempts + " attempts"));
                return;
            }
            // The slot is about one attempt (Chockler, Malkhi and Reiter): the configured floor, or as long as the
            // last attempt took when the disks are slower than that.
            // The window doubles per failed attempt up to the configured cap, but is never shorter than one slot.
            lastAttemptNs = loop.nowNs() - attemptStartNs;
            long capNs = backoffSlotNs << backoffDoublingsMax;
            long slotNs = Math.max(backoffSlotNs, Math.min(lastAttemptNs, capNs));
            int doublings = Math.min(attempts - 1, backoffDoublingsMax);
            long windowNs = Math.max(slotNs, Math.min(slotNs << doublings, capNs));
            loop.schedule(random.nextLong(windowNs), () -> attempt(next));
        }
    }
}
