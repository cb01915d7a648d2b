package org.diskpaxos.sim.disk;

/**
 * Latency: each request travels to the disk for one draw of the disk's {@link LatencyModel} and its reply back
 * for another. Changes nothing else. Because each request draws its own delays, concurrent requests, from one host
 * or several, reach the medium and complete in an order that differs from submission order.
 */
public final class LatencyDisk extends DiskDecorator {
    private final LatencyModel model;

    public LatencyDisk(DiskStage next, DiskEnv env, LatencyModel model) {
        super("latency", next, env);
        this.model = model;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        long toDiskNs = model.sampleNs(prng);
        long fromDiskNs = model.sampleNs(prng);
        env.scheduler().after(toDiskNs, () -> next.submit(request,
                outcome -> env.scheduler().after(fromDiskNs, () -> reply.done(outcome))));
    }
}
