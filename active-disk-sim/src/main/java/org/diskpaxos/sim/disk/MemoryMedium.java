package org.diskpaxos.sim.disk;

import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * The bottom of every simulated disk: a byte array that applies each request at once, completely, and replies
 * before returning. Everything that makes a disk slow, unreliable or non-durable is a decorator above it.
 *
 * <p>Invariant: the image changes only through a WRITE request, at the instant it is applied, and only in the
 * request's sectors.
 */
public final class MemoryMedium implements DiskStage {
    private final int diskIndex;
    private final DiskGeometry geometry;
    private final Scheduler scheduler;
    private final byte[] image;
    private long appliedCount;

    public MemoryMedium(int diskIndex, DiskGeometry geometry, Scheduler scheduler) {
        this.diskIndex = diskIndex;
        this.geometry = geometry;
        this.scheduler = scheduler;
        this.image = new byte[(int) geometry.sizeBytes()];
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        int offset = checkedOffset(request);
        switch (request.kind()) {
            case READ -> request.buffer().put(request.bufferOffset(), image, offset, request.lengthBytes());
            case WRITE -> request.buffer().get(request.bufferOffset(), image, offset, request.lengthBytes());
            case SYNC -> { }
            default -> throw new IllegalStateException("unknown kind " + request.kind());
        }
        appliedCount++;
        scheduler.trace().record(TraceKind.IO_APPLY, scheduler.nowNs(), diskIndex, request.requestId(),
                request.kind() == DiskRequest.Kind.SYNC ? -1 : offset);
        reply.done(DiskOutcome.OK);
    }

    private int checkedOffset(DiskRequest request) {
        if (request.kind() == DiskRequest.Kind.SYNC) {
            return 0;
        }
        long offset = request.offsetBytes();
        int sector = geometry.sectorSizeBytes();
        if (offset < 0 || offset % sector != 0 || request.lengthBytes() <= 0 || request.lengthBytes() % sector != 0
                || offset + request.lengthBytes() > image.length) {
            throw new IllegalStateException("disk " + diskIndex + ": a stage forwarded a bad range: " + request);
        }
        return (int) offset;
    }

    /** A copy of sector {@code sectorIndex}. */
    public byte[] sector(long sectorIndex) {
        byte[] copy = new byte[geometry.sectorSizeBytes()];
        System.arraycopy(image, (int) (sectorIndex * geometry.sectorSizeBytes()), copy, 0, copy.length);
        return copy;
    }

    /** A copy of the whole image. */
    public byte[] snapshot() {
        return image.clone();
    }

    /**
     * Writes initial content at {@code offsetBytes} (sector-aligned) directly, as a format tool would before the
     * hosts start: for a workload's {@code install} step, not during a run.
     */
    public void format(long offsetBytes, byte[] content) {
        int sector = geometry.sectorSizeBytes();
        if (offsetBytes < 0 || offsetBytes % sector != 0 || content.length % sector != 0
                || offsetBytes + content.length > image.length) {
            throw new IllegalArgumentException("disk " + diskIndex + ": cannot format " + content.length
                    + " bytes at " + offsetBytes);
        }
        System.arraycopy(content, 0, image, (int) offsetBytes, content.length);
    }

    /** Overwrites sector {@code sectorIndex} directly (test set-up and power-loss corruption only). */
    void poke(long sectorIndex, byte[] content) {
        System.arraycopy(content, 0, image, (int) (sectorIndex * geometry.sectorSizeBytes()), content.length);
    }

    public DiskGeometry geometry() {
        return geometry;
    }

    public long appliedCount() {
        return appliedCount;
    }
}
