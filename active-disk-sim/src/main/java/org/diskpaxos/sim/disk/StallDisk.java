package org.diskpaxos.sim.disk;

/**
 * Timeouts with late completions: with probability {@code p} a request is held for a time drawn uniformly from
 * {@code [stallNsMin, stallNsMax]} before it goes on, so the caller's timeout fires first and the real result,
 * and the write itself, come late. Nothing else changes.
 */
public final class StallDisk extends DiskDecorator implements Healable {
    private double probability;
    private final long stallNsMin;
    private final long stallNsMax;

    public StallDisk(DiskStage next, DiskEnv env, double probability, long stallNsMin, long stallNsMax) {
        super("stall", next, env);
        requireProbability(probability, "stall probability");
        if (stallNsMin < 0 || stallNsMax < stallNsMin || stallNsMax > LatencyModel.LATENCY_NS_MAX * 6) {
            throw new IllegalArgumentException("stall range [" + stallNsMin + ", " + stallNsMax + "] ns is invalid");
        }
        this.probability = probability;
        this.stallNsMin = stallNsMin;
        this.stallNsMax = stallNsMax;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        if (!prng.chance(probability)) {
            next.submit(request, reply);
            return;
        }
        long stallNs = stallNsMin == stallNsMax ? stallNsMin : prng.nextLong(stallNsMin, stallNsMax + 1);
        request.mark(DiskFaultKind.STALL);
        env.report(DiskFaultKind.STALL, request.requestId(),
                new DiskFaultEvent.Stalled(env.diskIndex(), request, stallNs));
        env.scheduler().after(stallNs, () -> next.submit(request, reply));
    }

    @Override
    public void heal() {
        probability = 0;
    }
}
