package org.diskpaxos.sim.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A volatile write cache: loss or corruption of unsynced writes on power loss. Writes are answered once they are
 * in the cache; reads see the cache over the medium; a sync writes the cache to the medium first. On
 * {@link #powerLoss} each cached sector is kept, lost or corrupted according to the {@link PowerLossMode}.
 * Without power loss it behaves exactly like the medium. Must sit directly on the medium (nothing asynchronous
 * below), so that a read sees the medium and the cache at the same instant.
 *
 * <p>At most {@link #DIRTY_SECTORS_MAX} sectors are cached; a write that would exceed it first writes the cache
 * back, as a full disk cache would.
 */
public final class WriteCacheDisk extends DiskDecorator {
    public static final int DIRTY_SECTORS_MAX = 1 << 16;
    private final TreeMap<Long, byte[]> dirty = new TreeMap<>();

    public WriteCacheDisk(DiskStage next, DiskEnv env) {
        super("write-cache", next, env);
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        int sectorSize = sectorSizeBytes();
        switch (request.kind()) {
            case WRITE -> {
                int sectors = request.lengthBytes() / sectorSize;
                if (dirty.size() + sectors > DIRTY_SECTORS_MAX) {
                    writeBack(request);
                }
                long first = request.offsetBytes() / sectorSize;
                for (int i = 0; i < sectors; i++) {
                    byte[] content = new byte[sectorSize];
                    request.buffer().get(request.bufferOffset() + i * sectorSize, content, 0, sectorSize);
                    dirty.put(first + i, content);
                }
                reply.done(DiskOutcome.OK);
            }
            case READ -> next.submit(request, outcome -> {
                if (outcome.ok()) {
                    overlay(request);
                }
                reply.done(outcome);
            });
            case SYNC -> {
                writeBack(request);
                next.submit(request, reply);
            }
            default -> throw new IllegalStateException("unknown kind " + request.kind());
        }
    }

    private void overlay(DiskRequest request) {
        int sectorSize = sectorSizeBytes();
        long first = request.offsetBytes() / sectorSize;
        long end = first + request.lengthBytes() / sectorSize;
        for (Map.Entry<Long, byte[]> e : dirty.subMap(first, end).entrySet()) {
            int at = request.bufferOffset() + (int) (e.getKey() - first) * sectorSize;
            request.buffer().put(at, e.getValue(), 0, sectorSize);
        }
    }

    private void writeBack(DiskRequest cause) {
        while (!dirty.isEmpty()) {
            Map.Entry<Long, byte[]> e = dirty.pollFirstEntry();
            writeBelow(cause, e.getKey(), e.getValue());
        }
    }

    private void writeBelow(DiskRequest cause, long sector, byte[] content) {
        int sectorSize = sectorSizeBytes();
        DiskRequest write = new DiskRequest(cause.requestId(), env.diskIndex(), cause.hostIndex(), cause.incarnation(),
                cause.ioId(), DiskRequest.Kind.WRITE, sector * sectorSize, sectorSize, ByteBuffer.wrap(content));
        next.submit(write, outcome -> {
            if (!outcome.ok()) {
                throw new IllegalStateException("disk " + env.diskIndex() + ": the medium refused a cache write-back");
            }
        });
    }

    /** Power is lost and comes back: every cached sector meets its fate, the cache is empty afterwards. */
    public void powerLoss(PowerLossMode mode) {
        int sectorSize = sectorSizeBytes();
        List<DiskFaultEvent.SectorFate> fates = new ArrayList<>(dirty.size());
        DiskRequest cause = new DiskRequest(-1, env.diskIndex(), -1, 0, -1, DiskRequest.Kind.SYNC, 0, 0, null);
        while (!dirty.isEmpty()) {
            Map.Entry<Long, byte[]> e = dirty.pollFirstEntry();
            DiskFaultEvent.Fate fate = fate(mode);
            if (fate == DiskFaultEvent.Fate.KEPT) {
                writeBelow(cause, e.getKey(), e.getValue());
            } else if (fate == DiskFaultEvent.Fate.CORRUPTED) {
                byte[] garbage = e.getValue().clone();
                int from = prng.nextInt(sectorSize);
                for (int i = from; i < sectorSize; i++) {
                    garbage[i] = (byte) prng.nextInt(256);
                }
                garbage[from] = (byte) ~e.getValue()[from];
                writeBelow(cause, e.getKey(), garbage);
            }
            fates.add(new DiskFaultEvent.SectorFate(e.getKey(), fate));
        }
        env.report(DiskFaultKind.POWER_LOSS, fates.size(), new DiskFaultEvent.PowerLoss(env.diskIndex(), List.copyOf(fates)));
    }

    private DiskFaultEvent.Fate fate(PowerLossMode mode) {
        return switch (mode) {
            case DROP_ALL -> DiskFaultEvent.Fate.LOST;
            case DROP_SOME -> prng.chance(0.5) ? DiskFaultEvent.Fate.KEPT : DiskFaultEvent.Fate.LOST;
            case CORRUPT_SOME -> switch (prng.nextInt(3)) {
                case 0 -> DiskFaultEvent.Fate.KEPT;
                case 1 -> DiskFaultEvent.Fate.LOST;
                default -> DiskFaultEvent.Fate.CORRUPTED;
            };
        };
    }

    public int dirtySectorCount() {
        return dirty.size();
    }
}
