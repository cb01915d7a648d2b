package org.diskpaxos.sim.host;

import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.sim.time.Event;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * One simulated machine: a {@link HostClock}, and the {@link HostEventLoop} of its current incarnation.
 *
 * <p>States: up (tasks run when due), paused (nothing runs; the clock keeps going, as for a GC pause or SIGSTOP;
 * due tasks run, in deadline order, on resume), down (crashed: the loop is dead and everything queued on it is
 * gone). {@link #restart()} brings a down host up with a fresh loop and calls the start listener on it.
 *
 * <p>Invariant: while up and not paused, exactly one scheduler event is armed if the loop has a live task, at the
 * true instant the host clock reaches that task's deadline; none otherwise. Clock changes re-arm it, so timers
 * measure the host's own (drifting, stepping) time.
 */
public final class SimHost {
    private final int index;
    private final Scheduler scheduler;
    private final EventTrace trace;
    private final HostClock clock;
    private Consumer<SimHost> startListener = host -> { };
    private HostEventLoop loop;
    private int incarnation;
    private boolean up;
    private boolean paused;
    private Event wake;
    private long wakeAtNs;
    private long crashCount;
    private long readAtTrueNs = -1;
    private long lastReadingNs = Long.MIN_VALUE;

    public SimHost(int index, Scheduler scheduler, HostClock clock) {
        this.index = index;
        this.scheduler = Objects.requireNonNull(scheduler);
        this.trace = scheduler.trace();
        this.clock = Objects.requireNonNull(clock);
    }

    public int index() {
        return index;
    }

    /** Called, as a task on the new loop, each time the host starts or restarts. */
    public void setStartListener(Consumer<SimHost> listener) {
        this.startListener = Objects.requireNonNull(listener);
    }

    /** Brings the host up for the first time. */
    public HostEventLoop start() {
        if (loop != null) {
            throw new IllegalStateException("host " + index + " was already started; use restart()");
        }
        return bringUp();
    }

    /** Brings a crashed host back with a fresh loop; its clock kept running while it was down. */
    public HostEventLoop restart() {
        if (up) {
            throw new IllegalStateException("host " + index + " is up; crash it before restarting it");
        }
        trace.record(TraceKind.HOST_RESTART, scheduler.nowNs(), index, incarnation + 1, 0);
        return bringUp();
    }

    private HostEventLoop bringUp() {
        incarnation++;
        loop = new HostEventLoop(this, incarnation);
        up = true;
        paused = false;
        HostEventLoop started = loop;
        started.execute(() -> startListener.accept(this));
        return started;
    }

    /** Kills the current incarnation: queued tasks, timers and undelivered callbacks are dropped. */
    public void crash() {
        if (!up) {
            return;
        }
        trace.record(TraceKind.HOST_CRASH, scheduler.nowNs(), index, incarnation, 0);
        up = false;
        paused = false;
        crashCount++;
        loop.kill();
        disarm();
    }

    /** Stops running tasks until {@link #resume()}; the clock keeps running. */
    public void pause() {
        if (!up || paused) {
            return;
        }
        trace.record(TraceKind.HOST_PAUSE, scheduler.nowNs(), index, incarnation, 0);
        paused = true;
        disarm();
    }

    public void resume() {
        if (!up || !paused) {
            return;
        }
        trace.record(TraceKind.HOST_RESUME, scheduler.nowNs(), index, incarnation, 0);
        paused = false;
        arm();
    }

    /** Changes the clock's drift from now on; pending timers keep their host-clock deadlines. */
    public void setDriftPpm(double driftPpm) {
        clock.setDriftPpm(scheduler.nowNs(), driftPpm);
        clockChanged();
    }

    /** Steps the clock forward; timers whose deadline it passes become due at once. */
    public void stepClock(long stepNs) {
        clock.stepForward(scheduler.nowNs(), stepNs);
        clockChanged();
    }

    private void clockChanged() {
        readAtTrueNs = -1;
        trace.record(TraceKind.HOST_CLOCK, scheduler.nowNs(), index, clockNs(), clock.driftPpb());
        disarm();
        arm();
    }

    /** This host's clock reading now; read once per virtual instant, and checked never to go back. */
    public long clockNs() {
        long now = scheduler.nowNs();
        if (now != readAtTrueNs) {
            long reading = clock.hostNsAt(now);
            if (reading < lastReadingNs) {
                throw new IllegalStateException("host " + index + "'s monotonic clock went back from "
                        + lastReadingNs + " to " + reading + " ns");
            }
            readAtTrueNs = now;
            lastReadingNs = reading;
        }
        return lastReadingNs;
    }

    public HostClock clock() {
        return clock;
    }

    /** The current incarnation's loop (dead if the host is down); null before the first start. */
    public HostEventLoop loop() {
        return loop;
    }

    public int incarnation() {
        return incarnation;
    }

    public boolean isUp() {
        return up;
    }

    public boolean isPaused() {
        return paused;
    }

    public long crashCount() {
        return crashCount;
    }

    /** Whether {@code incarnation} is the one running now. */
    public boolean isAlive(int incarnationToCheck) {
        return up && incarnationToCheck == incarnation;
    }

    void taskQueued(HostEventLoop from, HostTask task) {
        if (from != loop || !up || paused) {
            return;
        }
        armBy(dueTrueNs(task));
    }

    private long dueTrueNs(HostTask task) {
        if (task.deadlineHostNs <= clockNs()) {
            return scheduler.nowNs();
        }
        return Math.max(scheduler.nowNs(), clock.trueNsWhen(task.deadlineHostNs));
    }

    private void arm() {
        if (!up || paused) {
            return;
        }
        HostTask head = loop.peek();
        if (head != null) {
            armBy(dueTrueNs(head));
        }
    }

    private void armBy(long dueNs) {
        if (dueNs == Long.MAX_VALUE) {
            return;
        }
        if (wake != null) {
            if (wakeAtNs <= dueNs) {
                return;
            }
            wake.cancel();
        }
        wakeAtNs = dueNs;
        wake = scheduler.at(dueNs, this::onWake);
    }

    private void disarm() {
        if (wake != null) {
            wake.cancel();
            wake = null;
        }
    }

    private void onWake() {
        wake = null;
        if (!up || paused) {
            return;
        }
        HostTask head = loop.peek();
        if (head == null) {
            return;
        }
        if (head.deadlineHostNs > clockNs()) {
            arm();
            return;
        }
        trace.record(TraceKind.HOST_TASK, scheduler.nowNs(), index, incarnation, head.seq());
        HostEventLoop running = loop;
        running.runHead(head);
        if (running == loop) {
            arm();
        }
    }

    @Override
    public String toString() {
        return "host " + index + (up ? (paused ? " (paused)" : "") : " (down)");
    }
}
