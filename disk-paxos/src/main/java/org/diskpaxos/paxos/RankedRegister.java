package org.diskpaxos.paxos;

/**
 * The ranked register of Chockler and Malkhi: the one abstraction both Disk Paxos (passive disks) and Active Disk
 * Paxos (read-modify-write disks) emulate, and on which {@link Consensus} is built once.
 *
 * <p>Specification (checked by the simulator's checkers):
 * <ul>
 *   <li><b>rrRead(r)</b> returns the rank and value of some earlier {@code rrWrite} (or {@link Rank#ZERO} and no
 *       value). It does not abort, but an emulation may report that it was <em>preempted</em>: a rank above
 *       {@code r} was already invoked, so a following {@code rrWrite(r, v)} would abort. A preempted read carries no
 *       value and must not be followed by a write of the same rank.</li>
 *   <li><b>rrWrite(r, v)</b> commits or aborts. If it commits, every {@code rrRead(r2)} with {@code r2 > r} returns a
 *       rank {@code >= r} (ranked-register safety). It aborts only if an operation of rank {@code >= r} was invoked
 *       by another process, or a higher one by this process.</li>
 *   <li>Either may fail with {@link Outcome.Unavailable} when a majority of the disks or agents cannot be reached
 *       in time; that is not an abort, and the operation may still take effect (like an abort, it may be retried
 *       with a higher rank).</li>
 * </ul>
 *
 * <p>Operations are asynchronous: the callback runs on the register's event loop. At most one operation is in
 * progress per register object; starting another before the callback is a programming error.
 *
 * @param <V> the value type
 */
public interface RankedRegister<V> {

    void rrRead(Rank rank, Callback<ReadOutcome<V>> callback);

    void rrWrite(Rank rank, V value, Callback<Outcome> callback);

    /** Receives the outcome of one operation. */
    @FunctionalInterface
    interface Callback<T> {
        void done(T outcome);
    }

    /** How an rrRead ended. */
    sealed interface ReadOutcome<V> {
    }

    /**
     * The read completed on a majority: {@code rank} and {@code value} of the highest write it saw ({@link Rank#ZERO}
     * and null if none).
     */
    record ReadValue<V>(Rank rank, V value) implements ReadOutcome<V> {
    }

    /** A rank {@code >= } the read's was seen; {@code highestSeen} lets the caller pick a rank above it. */
    record Preempted<V>(Rank highestSeen) implements ReadOutcome<V> {
    }

    /** The instance this register belongs to was superseded (a later consensus instance has started). */
    record Superseded<V>(long instanceSeen) implements ReadOutcome<V> {
    }

    /** A majority could not be reached; {@code reason} names the disks and errors. */
    record ReadUnavailable<V>(String reason) implements ReadOutcome<V> {
    }

    /** How an rrWrite ended. */
    sealed interface Outcome {
        /** The write committed. */
        record Committed() implements Outcome {
        }

        /** The write aborted: a rank {@code >=} it was seen ({@code highestSeen}). */
        record Aborted(Rank highestSeen) implements Outcome {
        }

        /** The instance was superseded by a later one. */
        record Superseded(long instanceSeen) implements Outcome {
        }

        /** A majority could not be reached; the write may or may not take effect later. */
        record Unavailable(String reason) implements Outcome {
        }
    }
}
