package org.diskpaxos.sim.disk;

/**
 * Misdirected I/O: with probability {@code p} a read or write is transferred at a sector-aligned place up to
 * {@code sectorsMax} sectors away from where it was addressed (staying on the disk), and answered OK. A
 * misdirected write leaves its intended sectors unchanged and overwrites others; a misdirected read returns other
 * sectors' data.
 */
public final class MisdirectDisk extends DiskDecorator implements Healable {
    /**
     * Which I/O goes astray. A disk that misdirects both can answer a read with a stale copy that an earlier
     * misdirected write left elsewhere: a valid-looking old block that no checksum or self-identification can
     * tell from the current one (a stale replay, a Byzantine fault). Protocols that detect misdirection but not
     * replays declare it in their tolerance, and the planner then picks one direction per disk.
     */
    public enum Mode { READS, WRITES, BOTH }

    private final Mode mode;
    /** Limit on how far an I/O strays. */
    public static final int SECTORS_MAX_LIMIT = 1 << 16;
    private double probability;
    private final int sectorsMax;

    public MisdirectDisk(DiskStage next, DiskEnv env, double probability, int sectorsMax) {
        this(next, env, probability, sectorsMax, Mode.BOTH);
    }

    public MisdirectDisk(DiskStage next, DiskEnv env, double probability, int sectorsMax, Mode mode) {
        super("misdirect", next, env);
        this.mode = mode;
        requireProbability(probability, "misdirect probability");
        if (sectorsMax < 1 || sectorsMax > SECTORS_MAX_LIMIT) {
            throw new IllegalArgumentException("misdirect distance must be in [1, " + SECTORS_MAX_LIMIT + "] sectors");
        }
        this.probability = probability;
        this.sectorsMax = sectorsMax;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        boolean eligible = switch (request.kind()) {
            case READ -> mode != Mode.WRITES;
            case WRITE -> mode != Mode.READS;
            default -> false;
        };
        if (!eligible || !prng.chance(probability)) {
            next.submit(request, reply);
            return;
        }
        long sectorSize = sectorSizeBytes();
        long distance = prng.nextInt(1, sectorsMax + 1) * sectorSize;
        long target = prng.chance(0.5) ? request.offsetBytes() + distance : request.offsetBytes() - distance;
        long lastStart = env.geometry().sizeBytes() - request.lengthBytes();
        target = Math.max(0, Math.min(lastStart, target));
        if (target == request.offsetBytes()) {
            next.submit(request, reply);
            return;
        }
        request.mark(DiskFaultKind.MISDIRECTED);
        env.report(DiskFaultKind.MISDIRECTED, request.requestId(),
                new DiskFaultEvent.Misdirected(env.diskIndex(), request, target));
        next.submit(request.redirect(target), reply);
    }

    @Override
    public void heal() {
        probability = 0;
    }
}
