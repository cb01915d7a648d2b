package org.diskpaxos.sim.disk;

/**
 * A write in flight when its host crashed may land or not: when a request reaches this stage after the
 * incarnation that issued it has died, it is dropped with probability {@code p} (it never reaches the medium) and
 * answered FAILED, which only frees its buffer since nobody is listening. Requests of live hosts pass untouched.
 */
public final class CrashDropDisk extends DiskDecorator {
    /** Tells whether the incarnation that issued a request is still running. */
    @FunctionalInterface
    public interface HostLiveness {
        boolean isAlive(int hostIndex, int incarnation);
    }

    private final HostLiveness liveness;
    private final double probability;

    public CrashDropDisk(DiskStage next, DiskEnv env, HostLiveness liveness, double probability) {
        super("crash-drop", next, env);
        requireProbability(probability, "crash-drop probability");
        this.liveness = liveness;
        this.probability = probability;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        if (liveness.isAlive(request.hostIndex(), request.incarnation()) || !prng.chance(probability)) {
            next.submit(request, reply);
            return;
        }
        request.mark(DiskFaultKind.DROPPED);
        env.report(DiskFaultKind.DROPPED, request.requestId(), new DiskFaultEvent.Dropped(env.diskIndex(), request));
        reply.done(DiskOutcome.failed("dropped: host " + request.hostIndex() + " crashed while the I/O was in flight"));
    }
}
