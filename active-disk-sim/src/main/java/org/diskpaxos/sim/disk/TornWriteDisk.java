package org.diskpaxos.sim.disk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Torn multi-sector writes: with probability {@code p} a write of two or more sectors lands only a non-empty,
 * proper subset of its sectors, each whole, and is answered FAILED. Sectors are the unit of atomicity: no sector
 * is ever partly written. Reads, syncs and single-sector writes pass untouched.
 */
public final class TornWriteDisk extends DiskDecorator implements Healable {
    private double probability;

    public TornWriteDisk(DiskStage next, DiskEnv env, double probability) {
        super("torn-write", next, env);
        requireProbability(probability, "torn-write probability");
        this.probability = probability;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        int sectorSize = sectorSizeBytes();
        int sectorCount = request.kind() == DiskRequest.Kind.WRITE ? request.lengthBytes() / sectorSize : 0;
        if (sectorCount < 2 || !prng.chance(probability)) {
            next.submit(request, reply);
            return;
        }
        List<Integer> order = new ArrayList<>(sectorCount);
        for (int i = 0; i < sectorCount; i++) {
            order.add(i);
        }
        for (int i = sectorCount - 1; i > 0; i--) {
            Collections.swap(order, i, prng.nextInt(i + 1));
        }
        List<Integer> landed = new ArrayList<>(order.subList(0, prng.nextInt(1, sectorCount)));
        Collections.sort(landed);
        long firstSector = request.offsetBytes() / sectorSize;
        List<Long> landedSectors = new ArrayList<>(landed.size());
        for (int i : landed) {
            landedSectors.add(firstSector + i);
        }
        request.mark(DiskFaultKind.TORN);
        env.report(DiskFaultKind.TORN, request.requestId(),
                new DiskFaultEvent.Torn(env.diskIndex(), request, List.copyOf(landedSectors)));
        String reason = "torn write: " + landed.size() + " of " + sectorCount + " sectors written (EIO)";
        Gather gather = new Gather(landed.size(), outcome -> reply.done(DiskOutcome.failed(reason)));
        for (int i : landed) {
            next.submit(request.slice(request.offsetBytes() + (long) i * sectorSize, sectorSize), gather.part());
        }
    }

    @Override
    public void heal() {
        probability = 0;
    }
}
