package org.diskpaxos.sim.disk;

/**
 * A write in flight when its host crashed may land or not: when a request reaches this stage after the
 * incarnation that issued it has died, it is dropped with probability {@code p} (it never reaches the medium) and
 * answered FAILED, which only frees its buffer since nobody is listening. Requests of live hosts pass untouched.
 *
 * <p>Once the host has restarted, a request of an earlier incarnation is always dropped: I/O of a dead process
 * never lands after its successor started. That is the storage model the protocols rely on (Gafni and Lamport
 * §4.1: a late write from an earlier ballot must never overwrite a later one), and what a real host provides: a
 * process cannot exit while its direct I/O is in flight, and a restarted daemon waits for its predecessor's
 * lock file, which is released only at exit. This stage is therefore always present, with {@code p} possibly 0.
 */
public final class CrashDropDisk extends DiskDecorator {
    /** Tells whether the incarnation that issued a request is still running. */
    @FunctionalInterface
    public interface HostLiveness {
        boolean isAlive(int hostIndex, int incarnation);

        /** Whether a later incarnation of the host has started; by default, unknown (false). */
        default boolean restartedSince(int hostIndex, int incarnation) {
            return false;
        }
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
        if (liveness.isAlive(request.hostIndex(), request.incarnation())) {
            next.submit(request, reply);
            return;
        }
        boolean restarted = liveness.restartedSince(request.hostIndex(), request.incarnation());
        if (!restarted && (probability == 0 || !prng.chance(probability))) {
            next.submit(request, reply);
            return;
        }
        request.mark(DiskFaultKind.DROPPED);
        env.report(DiskFaultKind.DROPPED, request.requestId(), new DiskFaultEvent.Dropped(env.diskIndex(), request));
        reply.done(DiskOutcome.failed("dropped: host " + request.hostIndex() + " crashed while the I/O was in flight"
                + (restarted ? " and has restarted since" : "")));
    }
}
