package org.diskpaxos.sim.disk;

import java.util.ArrayDeque;
import org.diskpaxos.sim.time.TraceKind;

/**
 * A disk, or one host's path to it, that stops answering: while stopped, requests and replies passing through are
 * held, in order; on {@link #resume()} they continue (so a write held here lands late, after the caller has timed
 * out). A disk that never resumes never answers. Used twice: once per disk (the disk hangs for everyone) and once
 * per host and disk (the host is cut off from that disk).
 *
 * <p>At most {@link #HELD_MAX} items are held; beyond that they are dropped and counted (the disk never answers
 * them).
 */
public final class UnresponsiveDisk extends DiskDecorator {
    public static final int HELD_MAX = 100_000;
    private final int subject;
    private final ArrayDeque<Runnable> held = new ArrayDeque<>();
    private boolean answering = true;
    private long overflowCount;

    /** {@code subject} names what stops answering in traces: a host index, or -1 for the whole disk. */
    public UnresponsiveDisk(DiskStage next, DiskEnv env, int subject) {
        super("unresponsive/" + subject, next, env);
        this.subject = subject;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        if (!answering) {
            request.mark(DiskFaultKind.HELD);
            hold(() -> forward(request, reply));
            return;
        }
        forward(request, reply);
    }

    private void forward(DiskRequest request, DiskReply reply) {
        next.submit(request, outcome -> {
            if (answering) {
                reply.done(outcome);
            } else {
                request.mark(DiskFaultKind.HELD);
                hold(() -> reply.done(outcome));
            }
        });
    }

    private void hold(Runnable continuation) {
        if (held.size() >= HELD_MAX) {
            overflowCount++;
            return;
        }
        held.add(continuation);
    }

    /** Stops answering from now on. */
    public void stop() {
        if (answering) {
            answering = false;
            trace(1);
        }
    }

    /** Answers again, releasing what was held in the order it arrived. */
    public void resume() {
        if (answering) {
            return;
        }
        answering = true;
        trace(0);
        while (answering && !held.isEmpty()) {
            held.poll().run();
        }
    }

    private void trace(int stopped) {
        env.scheduler().trace().record(TraceKind.DISK_CONTROL, env.scheduler().nowNs(), env.diskIndex(),
                stopped == 1 ? 1 : 2, subject);
    }

    public boolean isAnswering() {
        return answering;
    }

    public int heldCount() {
        return held.size();
    }

    public long overflowCount() {
        return overflowCount;
    }
}
