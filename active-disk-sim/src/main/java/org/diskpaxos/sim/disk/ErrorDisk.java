package org.diskpaxos.sim.disk;

/** I/O errors: with probability {@code p} a request fails with EIO and transfers nothing. */
public final class ErrorDisk extends DiskDecorator implements Healable {
    private double probability;

    public ErrorDisk(DiskStage next, DiskEnv env, double probability) {
        super("error", next, env);
        requireProbability(probability, "error probability");
        this.probability = probability;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        if (!prng.chance(probability)) {
            next.submit(request, reply);
            return;
        }
        request.mark(DiskFaultKind.ERROR);
        env.report(DiskFaultKind.ERROR, request.requestId(), new DiskFaultEvent.Failed(env.diskIndex(), request));
        reply.done(DiskOutcome.failed("injected I/O error (EIO)"));
    }

    @Override
    public void heal() {
        probability = 0;
    }
}
