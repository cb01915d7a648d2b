package org.diskpaxos.sim.disk;

import java.util.List;

/**
 * A fault a decorator injected, told to {@link DiskFaultListener}s so that oracles can tell a disk that misbehaves
 * as instructed from one that misbehaves on its own. Sector numbers are absolute on the disk.
 */
public sealed interface DiskFaultEvent {
    int diskIndex();

    /** The I/O is held for {@code stallNs} before it reaches the disk. */
    record Stalled(int diskIndex, DiskRequest request, long stallNs) implements DiskFaultEvent { }

    /** The I/O was failed without transferring anything. */
    record Failed(int diskIndex, DiskRequest request) implements DiskFaultEvent { }

    /** The I/O was dropped because its host crashed; it never reached the medium. */
    record Dropped(int diskIndex, DiskRequest request) implements DiskFaultEvent { }

    /** Only the sectors in {@code landedSectors} of the write reached the medium; it was reported failed. */
    record Torn(int diskIndex, DiskRequest request, List<Long> landedSectors) implements DiskFaultEvent { }

    /** The I/O was transferred at {@code actualOffsetBytes} instead of {@code request.offsetBytes()}. */
    record Misdirected(int diskIndex, DiskRequest request, long actualOffsetBytes) implements DiskFaultEvent { }

    /** One bit of sector {@code sector} was flipped: in the data returned (read) or stored (write). */
    record BitFlipped(int diskIndex, DiskRequest request, long sector, int bitInSector) implements DiskFaultEvent { }

    /** Power was lost; each unsynced sector in the write cache was kept, lost or corrupted. */
    record PowerLoss(int diskIndex, List<SectorFate> fates) implements DiskFaultEvent { }

    /** What power loss did to one unsynced sector. */
    record SectorFate(long sector, Fate fate) { }

    enum Fate { KEPT, LOST, CORRUPTED }
}
