package org.diskpaxos.paxos;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import org.diskpaxos.blockdev.async.EventLoop;

/** A single-threaded event loop for tests: tasks run when the test calls {@link #runReady} or {@link #advance}. */
public final class ManualLoop implements EventLoop {
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long nowNs;
    private long seq;

    private final class Timer implements Comparable<Timer>, Scheduled {
        final long dueNs;
        final long order = seq++;
        final Runnable task;
        boolean cancelled;

        Timer(long dueNs, Runnable task) {
            this.dueNs = dueNs;
            this.task = task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(dueNs, o.dueNs);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public boolean cancel() {
            boolean was = !cancelled;
            cancelled = true;
            return was;
        }
    }

    @Override
    public long nowNs() {
        return nowNs;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    /** Every delay passed to {@link #schedule}, in order. */
    public final java.util.List<Long> scheduledDelaysNs = new java.util.ArrayList<>();

    @Override
    public Scheduled schedule(long delayNs, Runnable task) {
        scheduledDelaysNs.add(delayNs);
        Timer t = new Timer(nowNs + Math.max(0, delayNs), task);
        timers.add(t);
        return t;
    }

    /** Runs every ready task, including ones they queue. */
    public void runReady() {
        Runnable r;
        while ((r = ready.poll()) != null) {
            r.run();
        }
    }

    /** Moves time forward by {@code ns}, running timers as they come due, and ready tasks after each. */
    public void advance(long ns) {
        long end = nowNs + ns;
        runReady();
        while (!timers.isEmpty() && timers.peek().dueNs <= end) {
            Timer t = timers.poll();
            nowNs = t.dueNs;
            if (!t.cancelled) {
                t.task.run();
            }
            runReady();
        }
        nowNs = end;
    }
}
