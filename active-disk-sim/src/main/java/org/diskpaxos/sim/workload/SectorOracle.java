package org.diskpaxos.sim.workload;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;
import org.diskpaxos.sim.disk.CrashDropDisk;
import org.diskpaxos.sim.disk.DiskFaultEvent;
import org.diskpaxos.sim.disk.DiskFaultListener;
import org.diskpaxos.sim.disk.DiskRequest;

/**
 * The disk-io workload's oracle: every sector a read returns must be a value the disk model allows, judged only
 * from what the hosts submitted and saw, plus the faults the disks report having injected.
 *
 * <p>Time here is a logical stamp, incremented at every submission and completion; I/O ids are their submission
 * stamps. Every sector written carries a {@link SectorStamp} naming its write. A read R of sector s (submitted at
 * {@code R.submit}, finished at {@code R.done}) may return:
 * <ul>
 *   <li>the content of a write W directed at s (by the host, or by an injected misdirection) that was submitted
 *       before R finished, unless W is stale: some write V to s that is sure to have landed (completed OK, not
 *       possibly lost to a power loss before R finished) completed before R was submitted, and V was submitted
 *       after W finished. This is the regular-register condition, per sector;</li>
 *   <li>zeros (the initial content) only if no write to s was sure to have landed before R started;</li>
 *   <li>garbage (bad CRC) only if a non-stale write to s may have been corrupted by an injected bit flip or a
 *       power loss.</li>
 * </ul>
 * A write the disk failed, tore, dropped or misdirected never lands where it was addressed (except the torn write's
 * landed sectors); reading it there is a violation. Reads that a fault touched (bit flip, misdirection) are not
 * judged. Power loss makes every write not yet covered by a completed sync possibly lost.
 *
 * <p>Per-sector histories are pruned below the newest durable write that every open read already saw; a sector's
 * history is capped at {@link #HISTORY_MAX} entries, beyond which reads submitted earlier are counted as
 * unverifiable instead of judged.
 */
public final class SectorOracle implements DiskFaultListener, Checker {
    public static final int HISTORY_MAX = 8192;
    private static final long NEVER = Long.MAX_VALUE;

    private static final class WriteRecord {
        final long id;
        final int disk;
        long doneStamp = NEVER;
        boolean ok;
        boolean durable;
        long lostAtStamp = NEVER;

        WriteRecord(long id, int disk) {
            this.id = id;
            this.disk = disk;
        }
    }

    private static final class Entry {
        final WriteRecord write;
        final long stampSector;
        boolean notHere;
        boolean maybeCorrupt;

        Entry(WriteRecord write, long stampSector) {
            this.write = write;
            this.stampSector = stampSector;
        }
    }

    private static final class History {
        final List<Entry> entries = new ArrayList<>();
        int nextPruneAt = 32;
        long unverifiableBelowStamp = -1;
    }

    private record ReadRecord(long id, int host, int incarnation, int disk, long firstSector, int sectorCount,
            boolean[] faulted) { }

    private final int sectorSizeBytes;
    private final boolean[] writeCache;
    private final CrashDropDisk.HostLiveness liveness;
    private final History[][] histories;
    private final TreeMap<Long, WriteRecord> openWrites = new TreeMap<>();
    private final List<TreeMap<Long, ReadRecord>> openReads = new ArrayList<>();
    private final List<List<WriteRecord>> notDurable = new ArrayList<>();
    private final TreeMap<Long, Integer> openSyncs = new TreeMap<>();
    private final SectorStamp stamp;
    private long clock;
    private String violation;
    private long sectorsChecked;
    private long sectorsSkippedFaulted;
    private long sectorsUnverifiable;
    private long corruptSectorsSeen;

    public SectorOracle(int diskCount, int sectorCount, int sectorSizeBytes, boolean[] writeCache,
            CrashDropDisk.HostLiveness liveness) {
        this.sectorSizeBytes = sectorSizeBytes;
        this.writeCache = writeCache.clone();
        this.liveness = liveness;
        this.histories = new History[diskCount][sectorCount];
        this.stamp = new SectorStamp(sectorSizeBytes);
        for (int d = 0; d < diskCount; d++) {
            openReads.add(new TreeMap<>());
            notDurable.add(new ArrayList<>());
        }
    }

    @Override
    public String name() {
        return "disk-io-oracle";
    }

    @Override
    public void afterEvent(CheckContext context) {
        if (violation != null) {
            context.fail(name(), violation);
        }
    }

    /** Fills {@code buffer[at, ...)} with the stamps of write {@code writeId}. */
    void encode(ByteBuffer buffer, int disk, long writeId, long firstSector, int sectorCount) {
        for (int i = 0; i < sectorCount; i++) {
            stamp.encode(buffer, i * sectorSizeBytes, disk, writeId, firstSector + i);
        }
    }

    /** Takes the next stamp; the returned id must be used for the I/O submitted right after. */
    long nextId() {
        return ++clock;
    }

    void writeSubmitted(long id, int disk, long firstSector, int sectorCount) {
        WriteRecord w = new WriteRecord(id, disk);
        openWrites.put(id, w);
        for (int i = 0; i < sectorCount; i++) {
            add(disk, firstSector + i, new Entry(w, firstSector + i));
        }
        if (writeCache[disk]) {
            notDurable.get(disk).add(w);
        }
    }

    void writeFinished(long id, boolean ok) {
        WriteRecord w = openWrites.remove(id);
        w.doneStamp = ++clock;
        w.ok = ok;
        if (!writeCache[w.disk]) {
            w.durable = true;
        }
    }

    void readSubmitted(long id, int host, int incarnation, int disk, long firstSector, int sectorCount) {
        openReads.get(disk).put(id, new ReadRecord(id, host, incarnation, disk, firstSector, sectorCount,
                new boolean[1]));
    }

    /** Judges every sector of a finished read; {@code data} holds it from offset 0. */
    void readFinished(long id, int disk, boolean ok, ByteBuffer data) {
        ReadRecord r = openReads.get(disk).remove(id);
        long doneStamp = ++clock;
        if (!ok || r == null) {
            return;
        }
        for (int i = 0; i < r.sectorCount; i++) {
            if (r.faulted[0]) {
                sectorsSkippedFaulted++;
                continue;
            }
            long sector = r.firstSector + i;
            History h = histories[disk][(int) sector];
            if (h != null && r.id < h.unverifiableBelowStamp) {
                sectorsUnverifiable++;
                continue;
            }
            sectorsChecked++;
            judge(r, doneStamp, sector, h, stamp.decode(data, i * sectorSizeBytes));
        }
    }

    void syncSubmitted(long id, int disk) {
        openSyncs.put(id, disk);
    }

    void syncFinished(long id, boolean ok) {
        int disk = openSyncs.remove(id);
        ++clock;
        if (!ok) {
            return;
        }
        Iterator<WriteRecord> it = notDurable.get(disk).iterator();
        while (it.hasNext()) {
            WriteRecord w = it.next();
            if (w.doneStamp < id) {
                w.durable = true;
                it.remove();
            }
        }
    }

    private void judge(ReadRecord r, long doneStamp, long sector, History h, SectorStamp.Decoded got) {
        List<Entry> entries = h == null ? List.of() : h.entries;
        Entry floor = null;
        for (Entry e : entries) {
            if (isSure(e, r.id, doneStamp) && (floor == null || e.write.id > floor.write.id)) {
                floor = e;
            }
        }
        switch (got.verdict()) {
            case ZERO -> {
                if (floor != null) {
                    fail(where(r, sector) + " returned zeros, but write " + floor.write.id
                            + " had landed there and completed before the read started");
                }
            }
            case VALID -> judgeValid(r, entries, floor, doneStamp, sector, got);
            case CORRUPT -> {
                corruptSectorsSeen++;
                for (Entry e : entries) {
                    if (!e.notHere && e.maybeCorrupt && e.write.id < doneStamp
                            && (floor == null || e.write.doneStamp >= floor.write.id)) {
                        return;
                    }
                }
                fail(where(r, sector) + " returned a corrupt sector that no injected bit flip or power loss explains");
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String where(ReadRecord r, long sector) {
        return "read " + r.id + " by host " + r.host + " of disk " + r.disk + " sector " + sector;
    }

    private void judgeValid(ReadRecord r, List<Entry> entries, Entry floor, long doneStamp, long sector,
            SectorStamp.Decoded got) {
        if (got.disk() != r.disk) {
            fail(where(r, sector) + " returned a sector written to disk " + got.disk());
            return;
        }
        Entry found = null;
        for (Entry e : entries) {
            if (e.write.id == got.writeId() && e.stampSector == got.sector()) {
                found = e;
                break;
            }
        }
        if (found == null) {
            fail(where(r, sector) + " returned write " + got.writeId() + " (addressed to sector " + got.sector()
                    + "), which was never directed at this sector or was overwritten before the read started");
        } else if (found.notHere) {
            fail(where(r, sector) + " returned write " + got.writeId()
                    + ", which the disk failed, tore, dropped or misdirected away from this sector");
        } else if (found.write.id > doneStamp) {
            fail(where(r, sector) + " returned write " + got.writeId() + ", submitted after the read finished");
        } else if (floor != null && found.write.doneStamp < floor.write.id) {
            fail(where(r, sector) + " returned stale write " + got.writeId() + ": write " + floor.write.id
                    + " was submitted after it finished and completed before the read started");
        }
    }

    private static boolean isSure(Entry e, long readSubmit, long readDone) {
        return !e.notHere && e.write.ok && e.write.doneStamp < readSubmit && e.write.lostAtStamp > readDone;
    }

    private void fail(String message) {
        if (violation == null) {
            violation = message;
        }
    }

    @Override
    public void onFault(DiskFaultEvent event) {
        if (event instanceof DiskFaultEvent.Misdirected m) {
            misdirected(m.request(), m.actualOffsetBytes());
        } else if (event instanceof DiskFaultEvent.BitFlipped b) {
            bitFlipped(b.request(), b.sector());
        } else if (event instanceof DiskFaultEvent.Torn t) {
            neverLanded(t.request(), t.landedSectors());
        } else if (event instanceof DiskFaultEvent.Failed f) {
            neverLanded(f.request(), List.of());
        } else if (event instanceof DiskFaultEvent.Dropped d) {
            neverLanded(d.request(), List.of());
        } else if (event instanceof DiskFaultEvent.PowerLoss p) {
            powerLoss(p);
        }
    }

    private void misdirected(DiskRequest request, long actualOffsetBytes) {
        if (request.kind() == DiskRequest.Kind.READ) {
            markReadFaulted(request);
            return;
        }
        WriteRecord w = openWrites.get(request.root().ioId());
        if (w == null) {
            return;
        }
        long intended = request.offsetBytes() / sectorSizeBytes;
        long actual = actualOffsetBytes / sectorSizeBytes;
        for (int i = 0; i < request.lengthBytes() / sectorSizeBytes; i++) {
            for (Entry e : entriesOf(w, request.diskIndex(), intended + i)) {
                if (e.stampSector == intended + i) {
                    e.notHere = true;
                }
            }
            add(request.diskIndex(), actual + i, new Entry(w, intended + i));
        }
    }

    private void bitFlipped(DiskRequest request, long sector) {
        if (request.kind() == DiskRequest.Kind.READ) {
            markReadFaulted(request);
            return;
        }
        WriteRecord w = openWrites.get(request.root().ioId());
        if (w != null) {
            for (Entry e : entriesOf(w, request.diskIndex(), sector)) {
                e.maybeCorrupt = true;
            }
        }
    }

    private void neverLanded(DiskRequest request, List<Long> landedSectors) {
        if (request.kind() != DiskRequest.Kind.WRITE) {
            return;
        }
        WriteRecord w = openWrites.get(request.root().ioId());
        if (w == null) {
            return;
        }
        long first = request.offsetBytes() / sectorSizeBytes;
        for (int i = 0; i < request.lengthBytes() / sectorSizeBytes; i++) {
            if (landedSectors.contains(first + i)) {
                continue;
            }
            for (Entry e : entriesOf(w, request.diskIndex(), first + i)) {
                if (e.stampSector == first + i) {
                    e.notHere = true;
                }
            }
        }
    }

    private void powerLoss(DiskFaultEvent.PowerLoss p) {
        long lossStamp = ++clock;
        List<WriteRecord> volatileWrites = notDurable.get(p.diskIndex());
        for (WriteRecord w : volatileWrites) {
            w.lostAtStamp = Math.min(w.lostAtStamp, lossStamp);
        }
        for (DiskFaultEvent.SectorFate fate : p.fates()) {
            if (fate.fate() != DiskFaultEvent.Fate.CORRUPTED) {
                continue;
            }
            History h = histories[p.diskIndex()][(int) fate.sector()];
            if (h != null) {
                for (Entry e : h.entries) {
                    if (!e.write.durable) {
                        e.maybeCorrupt = true;
                    }
                }
            }
        }
        volatileWrites.clear();
    }

    private void markReadFaulted(DiskRequest request) {
        ReadRecord r = openReads.get(request.diskIndex()).get(request.root().ioId());
        if (r != null) {
            r.faulted[0] = true;
        }
    }

    private List<Entry> entriesOf(WriteRecord w, int disk, long sector) {
        History h = histories[disk][(int) sector];
        List<Entry> found = new ArrayList<>(1);
        if (h != null) {
            for (Entry e : h.entries) {
                if (e.write == w) {
                    found.add(e);
                }
            }
        }
        return found;
    }

    private void add(int disk, long sector, Entry entry) {
        History h = histories[disk][(int) sector];
        if (h == null) {
            h = histories[disk][(int) sector] = new History();
        }
        h.entries.add(entry);
        if (h.entries.size() >= h.nextPruneAt) {
            prune(h, disk);
            h.nextPruneAt = h.entries.size() + 32;
        }
    }

    private void prune(History h, int disk) {
        removeStale(h, durableFloorBefore(h, oldestLiveOpenRead(disk)));
        if (h.entries.size() > HISTORY_MAX) {
            removeStale(h, durableFloorBefore(h, clock + 1));
            h.unverifiableBelowStamp = clock + 1;
        }
        if (h.entries.size() > 2 * HISTORY_MAX) {
            throw new IllegalStateException("oracle: a sector has " + h.entries.size()
                    + " writes since the last durable one; the workload must sync more often");
        }
    }

    /** The newest durable, never-lost write that completed before {@code stamp}; -1 when none. */
    private static long durableFloorBefore(History h, long stamp) {
        long floor = -1;
        for (Entry e : h.entries) {
            WriteRecord w = e.write;
            if (!e.notHere && w.ok && w.durable && w.lostAtStamp == NEVER && w.doneStamp < stamp && w.id > floor) {
                floor = w.id;
            }
        }
        return floor;
    }

    private static void removeStale(History h, long floor) {
        if (floor >= 0) {
            h.entries.removeIf(e -> e.write.doneStamp < floor);
        }
    }

    /** The id of the oldest open read on {@code disk} whose host incarnation still runs; now when none. */
    private long oldestLiveOpenRead(int disk) {
        TreeMap<Long, ReadRecord> reads = openReads.get(disk);
        while (!reads.isEmpty()) {
            Map.Entry<Long, ReadRecord> first = reads.firstEntry();
            ReadRecord r = first.getValue();
            if (liveness.isAlive(r.host, r.incarnation)) {
                return r.id;
            }
            reads.pollFirstEntry();
        }
        return clock + 1;
    }

    public long sectorsChecked() {
        return sectorsChecked;
    }

    public long sectorsSkippedFaulted() {
        return sectorsSkippedFaulted;
    }

    public long sectorsUnverifiable() {
        return sectorsUnverifiable;
    }

    public long corruptSectorsSeen() {
        return corruptSectorsSeen;
    }

    /** The first violation found, or null. */
    public String violation() {
        return violation;
    }
}
