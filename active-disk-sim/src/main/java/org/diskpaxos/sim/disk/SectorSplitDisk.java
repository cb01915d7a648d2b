package org.diskpaxos.sim.disk;

/**
 * Multi-sector I/O is atomic per sector only: each sector of a read or write of two or more sectors is sent down
 * as its own request (so each draws its own latency below), and the I/O is answered once all are done, FAILED if
 * any failed. A concurrent reader may then see some sectors of a write and not others. Data are unchanged.
 */
public final class SectorSplitDisk extends DiskDecorator {

    public SectorSplitDisk(DiskStage next, DiskEnv env) {
        super("sector-split", next, env);
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        int sectorSize = sectorSizeBytes();
        int sectorCount = request.kind() == DiskRequest.Kind.SYNC ? 0 : request.lengthBytes() / sectorSize;
        if (sectorCount < 2) {
            next.submit(request, reply);
            return;
        }
        Gather gather = new Gather(sectorCount, reply::done);
        for (int i = 0; i < sectorCount; i++) {
            next.submit(request.slice(request.offsetBytes() + (long) i * sectorSize, sectorSize), gather.part());
        }
    }
}
