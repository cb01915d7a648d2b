package org.diskpaxos.sim.host;

import java.util.Objects;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.time.IndexedHeap;
import org.diskpaxos.sim.time.Scheduler;

/**
 * The {@link EventLoop} of one incarnation of a simulated host: what production drivers get from
 * {@code ThreadedEventLoop}, here driven by the global scheduler and the host's own clock.
 *
 * <p>{@link #nowNs()} is the host's clock. Tasks are kept in host-clock order (deadline, then submission order),
 * and {@link SimHost} keeps one scheduler event armed for the earliest, at the true instant the host clock
 * reaches its deadline under the current drift. A task runs as its own scheduler event, so checkers see the
 * state after every task.
 *
 * <p>When the host crashes the loop dies: its queue is dropped, and work handed to it later (a late I/O result, a
 * network message) is dropped and counted. A restart makes a new loop; an old loop never comes back to life.
 */
public final class HostEventLoop implements EventLoop {
    /** Limit on queued tasks per loop. */
    public static final int TASKS_MAX = 1_000_000;

    private final SimHost host;
    private final int incarnation;
    private final IndexedHeap<HostTask> tasks = new IndexedHeap<>(TASKS_MAX);
    private boolean alive = true;
    private long nextSeq;
    private long droppedCount;
    private long ranCount;

    HostEventLoop(SimHost host, int incarnation) {
        this.host = host;
        this.incarnation = incarnation;
    }

    @Override
    public long nowNs() {
        return host.clockNs();
    }

    @Override
    public void execute(Runnable task) {
        enqueue(nowNs(), task);
    }

    @Override
    public Scheduled schedule(long delayNs, Runnable task) {
        return enqueue(Scheduler.saturatedAdd(nowNs(), Math.max(0, delayNs)), task);
    }

    private HostTask enqueue(long deadlineHostNs, Runnable action) {
        Objects.requireNonNull(action, "task");
        if (!alive) {
            droppedCount++;
            return HostTask.DROPPED;
        }
        if (tasks.size() >= TASKS_MAX - 1) {
            throw new IllegalStateException("host " + host.index() + ": more than " + TASKS_MAX + " queued tasks");
        }
        HostTask task = new HostTask(this, deadlineHostNs, nextSeq++, action);
        tasks.add(task);
        host.taskQueued(this, task);
        return task;
    }

    /** The earliest queued task; null when none. */
    HostTask peek() {
        return tasks.peek();
    }

    /** Removes and runs {@code head}, which {@link #peek()} just returned. */
    void runHead(HostTask head) {
        HostTask polled = tasks.poll();
        if (polled != head) {
            throw new IllegalStateException("host " + host.index() + ": task queue changed under the runner");
        }
        ranCount++;
        head.action.run();
    }

    boolean cancel(HostTask task) {
        return tasks.remove(task);
    }

    void kill() {
        alive = false;
        tasks.clear();
    }

    /** False once the host has crashed; a restart makes a new loop. */
    public boolean isAlive() {
        return alive;
    }

    public int incarnation() {
        return incarnation;
    }

    public SimHost host() {
        return host;
    }

    /** Work handed to this loop after it died. */
    public long droppedCount() {
        return droppedCount;
    }

    public long ranCount() {
        return ranCount;
    }

    /** Tasks queued and not yet run. */
    public int queuedCount() {
        return tasks.size();
    }
}
