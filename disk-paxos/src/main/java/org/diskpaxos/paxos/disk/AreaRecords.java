package org.diskpaxos.paxos.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.Lvb;
import org.diskpaxos.paxos.ondisk.LvbDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.ModeBlockDescriptor;
import org.diskpaxos.paxos.ondisk.RequestRecord;
import org.diskpaxos.paxos.ondisk.RequestRecordDescriptor;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * The records of one resource area beside the leader and the ballot, as one process uses them: hosts' sectors read
 * (or another host's mode block cleared) outside ballots, the lock value block, and the request record. Obtained from
 * {@link DiskPaxosResource#records()}; runs on the area's event loop. Like every write of the resource, writes here
 * reach only disks whose area validated in the last leader read, through a per-disk gate per sector.
 */
public final class AreaRecords {

    private final DiskPaxosResource resource;
    private final AreaSectors sectors;
    private final AreaGeometry geometry;
    private final int diskCount;

    AreaRecords(DiskPaxosResource resource, AreaSectors sectors, int diskCount) {
        this.resource = resource;
        this.sectors = sectors;
        this.geometry = resource.expected().geometry();
        this.diskCount = diskCount;
    }

    /** One disk's copy of a host's sector: its dblock (with flags) and mode block. */
    public record HostSector(Dblock dblock, ModeBlock modeBlock) {
    }

    /** A host's sector on every disk; an entry is null where the disk failed or held something untrustworthy. */
    public record HostSectorRead(long hostId, List<HostSector> perDisk, List<String> problems) {
        public HostSectorRead {
            perDisk = java.util.Collections.unmodifiableList(new ArrayList<>(perDisk));
            problems = List.copyOf(problems);
        }

        /**
         * Disks on which the host's block says it let go of lease version {@code lver}: the block is of that
         * instance with {@code DBLOCK_FL_RELEASED} set, or of a later instance (a host runs a ballot for a later
         * instance only once it no longer holds the lease).
         */
        public int disksReleased(long lver) {
            int n = 0;
            for (HostSector s : perDisk) {
                if (s != null && (s.dblock().lver() == lver && s.dblock().isReleased() || s.dblock().lver() > lver)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Reads host {@code hostId}'s sector on every disk; {@code done} gets every disk's copy once all answered. */
    public void readHostSector(long hostId, RankedRegister.Callback<HostSectorRead> done) {
        int sector = geometry.sectorSizeBytes();
        int offset = geometry.resourceDblockOffsetBytes(hostId);
        sectors.readAll(offset, sector, reads -> {
            List<HostSector> perDisk = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int d = 0; d < reads.size(); d++) {
                AreaSectors.Read r = reads.get(d);
                String problem = r.ok() ? untrusted(r.bytes(), 0, hostId) : r.failure();
                if (problem != null) {
                    perDisk.add(null);
                    problems.add(r.ok() ? sectors.where(d, offset) + ": " + problem : problem);
                    continue;
                }
                Decoded<Dblock> dblock = DblockDescriptor.decode(r.bytes(), 0);
                perDisk.add(new HostSector(dblock.value(), ModeBlockDescriptor.decode(r.bytes(),
                        AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR).value()));
            }
            done.done(new HostSectorRead(hostId, perDisk, problems));
        });
    }

    /** Why the sector at {@code at}, read as host {@code h}'s, cannot be trusted; null if it can. */
    private String untrusted(ByteBuffer bytes, int at, long h) {
        Decoded<Dblock> decoded = DblockDescriptor.decode(bytes, at);
        if (!decoded.verdict().acceptedAsDblock()) {
            return "host " + h + "'s dblock: " + decoded.reason();
        }
        DblockStamp.Check stamp = DblockStamp.check(bytes, at, h, resource.areaId());
        if (stamp == DblockStamp.Check.MATCHES || stamp == DblockStamp.Check.ABSENT && !resource.options().requireStamps()) {
            return null;
        }
        return "host " + h + "'s sector: identification stamp " + stamp;
    }

    /**
     * The hosts holding the lease shared: a {@code SHARED} mode block on any disk that answered; and the hosts whose
     * block is of a version past the leader's, with the newest such version ({@code laterVersionByHost}): one of them
     * may hold a version that the leader does not record yet (its owner writes that record a moment after deciding).
     * Hosts in id order (not {@code Map.copyOf}, whose iteration order changes from one JVM run to the next and would
     * make requests signal holders, and simulation seeds replay, differently).
     */
    public record SharedHolders(Map<Long, Long> generationByHost, Map<Long, Long> laterVersionByHost, int disksRead,
                                List<String> problems) {
        public SharedHolders {
            generationByHost = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(generationByHost));
            laterVersionByHost = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(laterVersionByHost));
            problems = List.copyOf(problems);
        }
    }

    /** Reads every host's sector ({@code num_hosts} of {@code leader}) on every disk and collects shared holders. */
    public void readSharedHolders(LeaderRecord leader, RankedRegister.Callback<SharedHolders> done) {
        int sector = geometry.sectorSizeBytes();
        int numHosts = (int) leader.numHosts();
        sectors.readAll(geometry.resourceDblockOffsetBytes(1), numHosts * sector, reads -> {
            Map<Long, Long> holders = new java.util.TreeMap<>();
            Map<Long, Long> later = new java.util.TreeMap<>();
            List<String> problems = new ArrayList<>();
            int read = 0;
            for (AreaSectors.Read r : reads) {
                if (!r.ok()) {
                    problems.add(r.failure());
                    continue;
                }
                read++;
                for (int h = 1; h <= numHosts; h++) {
                    int at = (h - 1) * sector;
                    if (untrusted(r.bytes(), at, h) != null) {
                        continue;
                    }
                    int mode = at + AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR;
                    if (ModeBlockDescriptor.isShared(r.bytes(), mode)) {
                        holders.merge((long) h, ModeBlockDescriptor.decode(r.bytes(), mode).value().generation(),
                                Math::max);
                    }
                    long lver = DblockDescriptor.lver(r.bytes(), at);
                    if (lver > leader.lver()) {
                        later.merge((long) h, lver, Math::max);
                    }
                }
            }
            done.done(new SharedHolders(holders, later, read, problems));
        });
    }

    /**
     * Clears the mode blocks that a ballot of this process saw ({@link DiskPaxosResource.Ballot#sharedBlocksSeen()}), writing each
     * sector back as it was read on that disk but for the mode block — sanlock's "cleared shared lease for dead
     * host_id" — on disks that validated; {@code done} gets null when every write answered, else the failures.
     *
     * <p>Only for holders proven gone, and only while this process holds the lease exclusively at a version above
     * every instance the holder's block can be of: a later incarnation of that host may rewrite its sector meanwhile
     * only for an instance up to this one (all decided: the leader names this process), so this write never rolls back
     * a block that matters. The writes go through the same per-disk gate as this process's leader writes, so the
     * leader that frees the lease lands only after them, before any later instance can start.
     */
    public void clearModeBlocks(List<DiskRankedRegister.SharedBlockSeen> blocks, RankedRegister.Callback<String> done) {
        boolean[] writable = resource.writable();
        Map<Long, byte[][]> byHost = new java.util.TreeMap<>();
        int sector = geometry.sectorSizeBytes();
        for (DiskRankedRegister.SharedBlockSeen b : blocks) {
            if (b.hostId() == resource.hostId() || b.sector().length != sector) {
                continue;
            }
            byte[] cleared = b.sector().clone();
            ModeBlockDescriptor.encode(ModeBlock.NONE, ByteBuffer.wrap(cleared), AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR);
            if (writable == null || writable[b.disk()]) {
                byHost.computeIfAbsent(b.hostId(), h -> new byte[diskCount][])[b.disk()] = cleared;
            }
        }
        if (byHost.isEmpty()) {
            done.done(null);
            return;
        }
        List<String> failures = new ArrayList<>();
        int[] left = {byHost.size()};
        for (Map.Entry<Long, byte[][]> e : byHost.entrySet()) {
            long offset = geometry.resourceDblockOffsetBytes(e.getKey());
            byte[][] perDisk = e.getValue();
            int attempted = 0;
            for (byte[] b : perDisk) {
                attempted += b == null ? 0 : 1;
            }
            int wanted = attempted;
            sectors.writeAll(offset, perDisk, new String[perDisk.length], resource.leaderGates(), true, written -> {
                if (written.succeeded() < wanted) {
                    failures.add("host " + e.getKey() + ": " + written.failures());
                }
                if (--left[0] == 0) {
                    done.done(failures.isEmpty() ? null : String.join("; ", failures));
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lock value block

    /** The largest lock value block this area holds. */
    public int lvbCapacityBytes() {
        return LvbDescriptor.capacityBytes(geometry.sectorSizeBytes());
    }

    /** The outcome of reading the lock value block. */
    public sealed interface LvbRead {
        /** The newest copy (highest writer lver) among a majority of disks holding a valid or blank block. */
        record Value(Lvb lvb, List<String> problems) implements LvbRead {
        }

        /** Fewer than a majority of disks hold a readable block: an error naming each disk, offset and reason. */
        record Damaged(String message) implements LvbRead {
        }
    }

    /** Reads the lock value block on every disk ({@link LvbDescriptor}, sector {@code max_hosts + 2}). */
    public void readLvb(RankedRegister.Callback<LvbRead> done) {
        int sector = geometry.sectorSizeBytes();
        int offset = geometry.resourceLvbOffsetBytes();
        sectors.readAll(offset, sector, reads -> {
            List<String> problems = new ArrayList<>();
            Lvb newest = null;
            int readable = 0;
            List<Integer> blank = new ArrayList<>();
            Lvb blankValue = null;
            for (int d = 0; d < reads.size(); d++) {
                AreaSectors.Read r = reads.get(d);
                if (!r.ok()) {
                    problems.add(r.failure());
                    continue;
                }
                Decoded<Lvb> lvb = LvbDescriptor.decode(r.bytes(), 0, sector, resource.areaId());
                if (lvb.verdict() == Verdict.BLANK) {
                    blank.add(d);
                    blankValue = lvb.value();
                    continue;
                }
                if (!lvb.verdict().isValid()) {
                    problems.add(sectors.where(d, offset) + ": lock value block " + lvb.verdict() + " (" + lvb.reason()
                            + ")");
                    continue;
                }
                readable++;
                if (newest == null || lvb.value().lver() > newest.lver()) {
                    newest = lvb.value();
                }
            }
            // A zero sector means "never written" only where nothing was: areas we format hold an empty record
            // there (DblockStamp.stampBlankRecords), so beside a valid copy a blank one is a read that went elsewhere.
            // Areas sanlock formatted have no such record: there a blank copy is a disk the writes missed.
            if (newest == null || !resource.options().requireStamps()) {
                readable += blank.size();
                if (newest == null) {
                    newest = blankValue;
                }
            } else {
                for (int d : blank) {
                    problems.add(sectors.where(d, offset) + ": lock value block blank, but another disk holds one "
                            + "(a misdirected read, or a disk that was replaced)");
                }
            }
            if (readable < sectors.majority()) {
                done.done(new LvbRead.Damaged("resource '" + resource.expected().lockspaceName() + ":" + resource.expected().resourceName()
                        + "': the lock value block is readable on only " + readable + " of " + reads.size()
                        + " disks (" + String.join("; ", problems) + ")"));
            } else {
                done.done(new LvbRead.Value(newest, problems));
            }
        });
    }

    /**
     * Writes {@code value} as the lock value block of lease version {@code lver} to every disk that validated;
     * {@code done} gets null once a majority wrote it <em>and</em> every one of these writes has completed for good,
     * else why not. Through the leader's gate: it lands before a later leader write of this process on each disk.
     *
     * <p>Why wait for the slow disks too: the sector is shared by every holder. A write that a disk is still holding
     * when the lease is released could land after the next holder's newer value and roll that disk back; a holder
     * after that one, reading the disk that rolled back and one the newer write missed, would read the older value
     * (lease simulation seeds 2420 and 2697: a value of version 15 read by version 23 after version 16 wrote one).
     * The releaser therefore frees the lease only once its own writes here can no longer land.
     *
     * <p>And a majority counts only disks that hold the value when read back, once the writes have settled: a disk may
     * acknowledge a write it misdirected, and a value on only a minority is one the next holder may not find.
     */
    public void writeLvb(long lver, byte[] value, RankedRegister.Callback<String> done) {
        int sector = geometry.sectorSizeBytes();
        int offset = geometry.resourceLvbOffsetBytes();
        byte[] bytes = LvbDescriptor.encodeSector(new Lvb(resource.areaId(), lver, value), sector);
        writeToValidated(offset, bytes, resource.leaderGates(), "the lock value block", (failure, tried) -> {
            if (failure != null) {
                done.done(failure);
                return;
            }
            // Every disk written, once the writes have settled: one that answered after the majority counts too.
            sectors.afterWritesSettle(resource.leaderGates(), () -> sectors.readBack(offset, bytes, tried,
                    sectors.majority(), holds -> {
                        int verified = 0;
                        for (boolean h : holds) {
                            verified += h ? 1 : 0;
                        }
                        done.done(verified >= sectors.majority() ? null : "the lock value block reads back on only "
                                + verified + " of " + holds.length + " disks");
                    }));
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Request record

    /** The outcome of reading the request record. */
    public sealed interface RequestRead {
        /**
         * The newest request a majority of the disks read agree on: the highest {@code lver} that at least a majority
         * of the disks hold or exceed (blank: none). The record has no checksum (sanlock's format), so one damaged
         * copy must not count on its own — nor does a request whose write reached only a minority yet.
         */
        record Found(RequestRecord newest, List<String> problems) implements RequestRead {
        }

        /** Fewer than a majority of disks hold a readable request record. */
        record Unavailable(String message) implements RequestRead {
        }
    }

    /** Reads the request record (sector 1) on every disk. */
    public void readRequest(RankedRegister.Callback<RequestRead> done) {
        int offset = geometry.resourceRequestOffsetBytes();
        sectors.readAll(offset, geometry.sectorSizeBytes(), reads -> {
            List<String> problems = new ArrayList<>();
            List<RequestRecord> copies = new ArrayList<>();
            int readable = 0;
            for (int d = 0; d < reads.size(); d++) {
                AreaSectors.Read r = reads.get(d);
                if (!r.ok()) {
                    problems.add(r.failure());
                    continue;
                }
                Decoded<RequestRecord> rec = RequestRecordDescriptor.decode(r.bytes(), 0);
                if (!rec.verdict().isValid() && rec.verdict() != Verdict.BLANK) {
                    problems.add(sectors.where(d, offset) + ": request record " + rec.verdict() + " (" + rec.reason()
                            + ")");
                    continue;
                }
                readable++;
                copies.add(rec.verdict().isValid() ? rec.value() : RequestRecord.INITIAL);
            }
            done.done(readable >= sectors.majority() ? new RequestRead.Found(agreed(copies, sectors.majority()), problems)
                    : new RequestRead.Unavailable("resource '" + resource.expected().lockspaceName() + ":"
                    + resource.expected().resourceName() + "': the request record is readable on only " + readable + " of "
                    + reads.size() + " disks (" + String.join("; ", problems) + ")"));
        });
    }

    /** The copy of rank {@code majority} by lver, highest first: every higher one is on fewer than a majority. */
    static RequestRecord agreed(List<RequestRecord> copies, int majority) {
        List<RequestRecord> byLver = new ArrayList<>(copies);
        byLver.sort((a, b) -> Long.compare(b.lver(), a.lver()));
        return byLver.get(majority - 1);
    }

    /** Writes {@code request} to sector 1 of every disk that validated; null once a majority wrote it. */
    public void writeRequest(RequestRecord request, RankedRegister.Callback<String> done) {
        byte[] bytes = new byte[geometry.sectorSizeBytes()];
        RequestRecordDescriptor.encode(request, ByteBuffer.wrap(bytes), 0);
        writeToValidated(geometry.resourceRequestOffsetBytes(), bytes, resource.requestGates(), "the request record",
                (failure, tried) -> done.done(failure));
    }

    /**
     * Writes {@code bytes} at {@code offset} on every disk whose area validated; {@code done} gets null once a majority
     * wrote it, else why not, and which disks were written to.
     */
    private void writeToValidated(long offset, byte[] bytes, SectorWriteGate[] gates, String what,
                                  java.util.function.BiConsumer<String, boolean[]> done) {
        boolean[] writable = resource.writable();
        byte[][] perDisk = new byte[diskCount][];
        String[] skipped = new String[diskCount];
        boolean[] tried = new boolean[diskCount];
        for (int d = 0; d < perDisk.length; d++) {
            if (writable == null || writable[d]) {
                perDisk[d] = bytes;
                tried[d] = true;
            } else {
                skipped[d] = sectors.where(d, offset) + ": not written (its area did not validate)";
            }
        }
        sectors.writeAll(offset, perDisk, skipped, gates, written -> done.accept(
                written.succeeded() >= sectors.majority() ? null : what + " reached only " + written.succeeded()
                        + " of " + perDisk.length + " disks (" + String.join("; ", written.failures()) + ")", tried));
    }
}
