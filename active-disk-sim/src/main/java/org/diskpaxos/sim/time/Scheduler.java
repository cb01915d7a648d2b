package org.diskpaxos.sim.time;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Global virtual time: a priority queue of {@link Event}s on virtual nanoseconds, ties broken by scheduling order.
 * Single-threaded; nothing here reads a real clock.
 *
 * <p>Invariants: {@link #nowNs()} never decreases; an event is never scheduled before now; events run one at a
 * time in (time, sequence) order; a cancelled event never runs.
 *
 * <p>Events for the current instant (most of them: results handed to a host loop, tasks due at once) skip the heap
 * and wait in a FIFO; since they all have the current time and increasing sequence numbers, comparing the FIFO's
 * head with the heap's keeps the (time, sequence) order exact.
 */
public final class Scheduler {
    /** Limit on pending events; a run that exceeds it has a runaway producer. */
    public static final int PENDING_EVENTS_MAX = 8_000_000;

    private final IndexedHeap<Event> queue = new IndexedHeap<>(PENDING_EVENTS_MAX);
    private final ArrayDeque<Event> nowQueue = new ArrayDeque<>();
    private final EventTrace trace;
    private long nowNs;
    private long nextSeq;
    private long executedCount;

    public Scheduler(EventTrace trace) {
        this.trace = Objects.requireNonNull(trace);
    }

    /** Virtual nanoseconds since the start of the run. */
    public long nowNs() {
        return nowNs;
    }

    /** Events run so far. */
    public long executedCount() {
        return executedCount;
    }

    public EventTrace trace() {
        return trace;
    }

    /** Schedules {@code action} at virtual time {@code timeNs}, which must not be in the past. */
    public Event at(long timeNs, Runnable action) {
        Objects.requireNonNull(action, "action");
        if (timeNs < nowNs) {
            throw new IllegalArgumentException("event at " + timeNs + " ns is before now (" + nowNs
                    + " ns): virtual time never goes backwards");
        }
        if (queue.size() + nowQueue.size() >= PENDING_EVENTS_MAX - 1) {
            throw new IllegalStateException("more than " + PENDING_EVENTS_MAX + " pending events at "
                    + EventTrace.formatTime(nowNs) + ": a component schedules without bound");
        }
        Event event = new Event(this, timeNs, nextSeq++, action);
        if (timeNs == nowNs) {
            nowQueue.add(event);
        } else {
            queue.add(event);
        }
        return event;
    }

    /** Schedules {@code action} {@code delayNs} from now (negative delays count as zero; saturates). */
    public Event after(long delayNs, Runnable action) {
        return at(saturatedAdd(nowNs, Math.max(0, delayNs)), action);
    }

    /**
     * Runs the earliest pending event if it is due at or before {@code untilNs}.
     *
     * @return whether an event ran
     */
    public boolean runNext(long untilNs) {
        Event event = next();
        if (event == null || event.key > untilNs) {
            return false;
        }
        if (event == nowQueue.peekFirst()) {
            nowQueue.pollFirst();
        } else {
            queue.poll();
        }
        if (event.key < nowNs) {
            throw new IllegalStateException("virtual time would go backwards: " + event.key + " < " + nowNs);
        }
        event.ran = true;
        nowNs = event.key;
        executedCount++;
        trace.markEvent(nowNs);
        event.action.run();
        return true;
    }

    /** The next event to run, without removing it: the earlier of the FIFO's and the heap's heads. */
    private Event next() {
        Event fifo = nowQueue.peekFirst();
        while (fifo != null && fifo.cancelled) {
            nowQueue.pollFirst();
            fifo = nowQueue.peekFirst();
        }
        Event heap = queue.peek();
        if (fifo == null) {
            return heap;
        }
        if (heap == null || fifo.key < heap.key || (fifo.key == heap.key && fifo.seq < heap.seq)) {
            return fifo;
        }
        return heap;
    }

    /** Cancels {@code event}; false if it already ran or was cancelled. */
    boolean cancel(Event event) {
        if (event.ran || event.cancelled) {
            return false;
        }
        event.cancelled = true;
        if (event.isQueued()) {
            queue.remove(event);
        }
        return true;
    }

    /** The time of the earliest pending event, or {@link Long#MAX_VALUE} when none. */
    public long nextEventTimeNs() {
        Event event = next();
        return event == null ? Long.MAX_VALUE : event.key;
    }

    /** Events waiting to run (cancelled ones in the current instant's FIFO may still be counted). */
    public int pendingCount() {
        return queue.size() + nowQueue.size();
    }

    /** Moves now forward to {@code timeNs} when no event is due before it (the end of a run). */
    public void advanceTo(long timeNs) {
        if (timeNs < nowNs) {
            throw new IllegalArgumentException("cannot move virtual time back from " + nowNs + " to " + timeNs);
        }
        if (nextEventTimeNs() < timeNs) {
            throw new IllegalStateException("events are due before " + timeNs + " ns; run them first");
        }
        nowNs = timeNs;
    }

    /** {@code a + b} for non-negative {@code b}, saturating at {@link Long#MAX_VALUE}. */
    public static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return (b > 0 && sum < a) ? Long.MAX_VALUE : sum;
    }
}
