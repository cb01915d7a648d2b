package org.diskpaxos.lock.inspect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.DeltaLease;
import org.diskpaxos.paxos.ondisk.DeltaLeaseDescriptor;
import org.diskpaxos.paxos.ondisk.LeaderRecord;
import org.diskpaxos.paxos.ondisk.LeaderRecordDescriptor;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.ModeBlockDescriptor;
import org.diskpaxos.paxos.ondisk.RequestRecord;
import org.diskpaxos.paxos.ondisk.RequestRecordDescriptor;
import org.diskpaxos.paxos.ondisk.RindexDescriptor;
import org.diskpaxos.paxos.ondisk.RindexEntry;
import org.diskpaxos.paxos.ondisk.RindexHeader;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * Reads what a disk holds at an offset, read-only and without a daemon, for {@code dplock dump}: a whole lockspace
 * (its host slots, its resource index, the index lease and every resource the index lists, laid out as
 * {@code LockspaceLayout} says), or a single resource, index or unknown area. It opens the device read-only and
 * only reads; it decodes with the on-disk codecs, which never throw on bad media, so a damaged disk is described,
 * not crashed on.
 *
 * <p>Host liveness needs two looks: a timestamp is the writer's own monotonic clock and means nothing to us except
 * when it changes. With a watch time, the lockspace is re-read every {@link #WATCH_SAMPLE_MS} ms for that long and
 * each slot's renewals are counted. Without one, a slot written by this very machine in this boot is aged on our
 * own clock (the daemons of one machine share {@link System#nanoTime()}); others show their last timestamp only.
 */
public final class DiskDump {

    /** The most resources read from one lockspace's index. */
    public static final int RESOURCES_MAX = 1024;
    /** How often a watched lockspace is re-read. */
    public static final long WATCH_SAMPLE_MS = 100;
    /** The longest watch. */
    public static final Duration WATCH_MAX = Duration.ofMinutes(5);
    private static final int PROBE_BYTES = 4096;

    private DiskDump() {
    }

    /** How a host slot looks. */
    public enum Liveness {
        /** Timestamp 0: nobody holds this host id. */
        FREE,
        /** Its timestamp changed while we watched. */
        ALIVE,
        /** Unchanged for longer than a live holder may go without renewing. */
        NOT_RENEWING,
        /** Unchanged, but not watched long enough to tell. */
        UNCHANGED,
        /** Not watched: only its last timestamp is known. */
        NOT_WATCHED
    }

    /** One host slot in use (ever written). */
    public record HostSlot(int hostId, long offsetBytes, String verdict, String name, long generation, long timestamp,
                           int ioTimeoutSeconds, Liveness liveness, String livenessDetail) {
    }

    /** A host holding a resource in shared mode (its mode block). */
    public record SharedHolder(int hostId, long generation) {
    }

    /** One host's ballot block in a resource area. */
    public record DblockView(int hostId, long offsetBytes, String verdict, long lver, long mbal, long bal, long inp,
                             long inpGeneration, boolean released) {
    }

    /**
     * A resource lease area.
     *
     * @param ownerState in words, judged against the lockspace's host slots when the lockspace was read too
     */
    public record ResourceView(String lockspace, String name, long offsetBytes, String verdict, long lver, boolean free,
                               long ownerId, long ownerGeneration, long timestamp, long writerId, boolean shortHold,
                               long numHosts, String ownerState, List<SharedHolder> shared, long requestLver,
                               int requestForceMode, List<DblockView> dblocks) {
    }

    /** The resource index. */
    public record IndexView(long offsetBytes, String verdict, int maxResources, int entriesUsed,
                            ResourceView indexLease) {
    }

    /** A whole lockspace. */
    public record LockspaceView(String name, long offsetBytes, String verdict, AreaGeometry geometry,
                                List<HostSlot> hosts, int slotsNeverUsed, Duration watched, IndexView index,
                                List<ResourceView> resources, int resourcesNotShown) {
    }

    /** What {@link #read} found: exactly one of the views, or {@code other} describing an area we do not know. */
    public record Result(String device, long offsetBytes, LockspaceView lockspace, ResourceView resource,
                         IndexView index, String other) {
    }

    /**
     * Reads what is at {@code offsetBytes} of {@code path}.
     *
     * @param watch how long to watch host slots for renewals (zero: do not watch)
     * @throws IOException the device cannot be opened or read; the message names it
     */
    public static Result read(Path path, long offsetBytes, Duration watch) throws IOException, InterruptedException {
        if (offsetBytes < 0 || offsetBytes % PROBE_BYTES != 0) {
            throw new IllegalArgumentException("offset " + offsetBytes + " is not a multiple of " + PROBE_BYTES
                    + " (lockspaces and resources start at multiples of their 1-8 MiB area size)");
        }
        if (watch.isNegative() || watch.compareTo(WATCH_MAX) > 0) {
            throw new IllegalArgumentException("watch must be 0 to " + WATCH_MAX.toMinutes() + " minutes");
        }
        try (BlockDevice dev = BlockDevices.open(path, BlockDeviceOptions.direct().withReadOnly(true))) {
            if (offsetBytes + PROBE_BYTES > dev.sizeBytes()) {
                throw new IllegalArgumentException(path + " is " + dev.sizeBytes() + " bytes: nothing to read at offset "
                        + offsetBytes);
            }
            return new Reader(dev).read(offsetBytes, watch);
        }
    }

    private static final class Reader {
        private final BlockDevice dev;

        Reader(BlockDevice dev) {
            this.dev = dev;
        }

        ByteBuffer read(long offset, int length) throws IOException {
            int len = (int) Math.min(length, dev.sizeBytes() - offset);
            len = len / PROBE_BYTES * PROBE_BYTES;
            ByteBuffer b = dev.allocateBuffer(len);
            dev.read(offset, b);
            b.clear();
            return b;
        }

        Result read(long offset, Duration watch) throws IOException, InterruptedException {
            ByteBuffer probe = read(offset, PROBE_BYTES);
            int magic = probe.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (magic == RindexDescriptor.RINDEX_DISK_MAGIC) {
                return new Result(dev.name(), offset, null, null, index(offset, null, Map.of()), null);
            }
            Decoded<LeaderRecord> first = LeaderRecordDescriptor.decode(probe, 0);
            if (first.verdict() == Verdict.BLANK) {
                return new Result(dev.name(), offset, null, null, null, "blank: never written (all zero)");
            }
            LeaderRecord leader = first.value();
            var geometry = leader == null ? java.util.Optional.<AreaGeometry>empty()
                    : AreaGeometry.fromLeader(leader.sectorSizeBytes(), leader.flags());
            if (leader == null || geometry.isEmpty()) {
                return new Result(dev.name(), offset, null, null, null, "not a lockspace, resource or index: "
                        + first.verdict() + (first.reason() == null ? "" : " (" + first.reason() + ")"));
            }
            LeaderRecord.Kind kind = leader.kind();
            if (kind == LeaderRecord.Kind.DELTA || first.verdict() == Verdict.INIT_INCOMPLETE) {
                return new Result(dev.name(), offset, lockspace(offset, geometry.get(), first, watch), null, null,
                        null);
            }
            if (kind == LeaderRecord.Kind.PAXOS || kind == LeaderRecord.Kind.PAXOS_CLEARED) {
                return new Result(dev.name(), offset, null, resource(offset, geometry.get(), Map.of()), null, null);
            }
            return new Result(dev.name(), offset, null, null, null, "unknown leader magic: " + first.verdict());
        }

        LockspaceView lockspace(long offset, AreaGeometry g, Decoded<LeaderRecord> first, Duration watch)
                throws IOException, InterruptedException {
            ByteBuffer area = read(offset, g.alignSizeBytes());
            Map<Integer, LeaderRecord> before = slots(area, g);
            Map<Integer, Integer> changes = new HashMap<>();
            long watchedNs = 0;
            if (!watch.isZero()) {
                long startNs = System.nanoTime();
                long endNs = startNs + watch.toNanos();
                Map<Integer, LeaderRecord> last = before;
                while (System.nanoTime() < endNs) {
                    Thread.sleep(Math.min(WATCH_SAMPLE_MS, Math.max(1, (endNs - System.nanoTime()) / 1_000_000)));
                    Map<Integer, LeaderRecord> now = slots(read(offset, g.alignSizeBytes()), g);
                    for (Map.Entry<Integer, LeaderRecord> e : now.entrySet()) {
                        LeaderRecord was = last.get(e.getKey());
                        if (was == null || was.timestamp() != e.getValue().timestamp()
                                || was.ownerGeneration() != e.getValue().ownerGeneration()) {
                            changes.merge(e.getKey(), 1, Integer::sum);
                        }
                    }
                    last = now;
                }
                watchedNs = System.nanoTime() - startNs;
                area = read(offset, g.alignSizeBytes());
            }
            List<HostSlot> hosts = new ArrayList<>();
            int neverUsed = 0;
            HostIdentity local = localIdentity();
            long nowMs = System.nanoTime() / 1_000_000L;
            for (int h = 1; h <= g.maxHosts(); h++) {
                int at = g.lockspaceHostOffsetBytes(h);
                Decoded<DeltaLease> d = DeltaLeaseDescriptor.decode(area, at);
                if (d.value() == null) {
                    hosts.add(new HostSlot(h, offset + at, d.verdict().toString(), "", 0, 0, 0, Liveness.NOT_WATCHED,
                            d.reason()));
                    continue;
                }
                LeaderRecord l = d.value().leader();
                boolean used = l.ownerId() != 0 || l.ownerGeneration() != 0 || !d.value().bitmap().isEmpty();
                if (d.verdict() == Verdict.VALID && !used) {
                    neverUsed++;
                    continue;
                }
                Liveness liveness;
                String detail;
                int renewals = changes.getOrDefault(h, 0);
                long ioMs = Math.max(1, l.ioTimeoutSeconds()) * 1000L;
                if (l.isFree()) {
                    liveness = Liveness.FREE;
                    detail = l.ownerGeneration() == 0 ? "never joined" : "left (timestamp 0)";
                } else if (watchedNs > 0 && renewals > 0) {
                    liveness = Liveness.ALIVE;
                    detail = "renewed " + renewals + " times in " + watchedNs / 1_000_000 + " ms";
                } else if (watchedNs > 0 && watchedNs / 1_000_000 >= 3 * ioMs) {
                    liveness = Liveness.NOT_RENEWING;
                    detail = "no renewal in " + watchedNs / 1_000_000 + " ms; a live holder renews at least every "
                            + 2 * ioMs + " ms (2 x its io_timeout " + l.ioTimeoutSeconds() + " s): dead or stalled";
                } else if (watchedNs > 0) {
                    liveness = Liveness.UNCHANGED;
                    detail = "no renewal in " + watchedNs / 1_000_000 + " ms; watch at least " + 3 * ioMs
                            + " ms to judge";
                } else {
                    liveness = Liveness.NOT_WATCHED;
                    detail = "last timestamp " + l.timestamp() + age(local, l, nowMs) + "; --watch 3s to judge";
                }
                hosts.add(new HostSlot(h, offset + at, d.verdict().toString(), printable(l.resourceName()),
                        l.ownerGeneration(), l.timestamp(), l.ioTimeoutSeconds(), liveness, detail));
            }
            Map<Integer, HostSlot> byHost = new HashMap<>();
            for (HostSlot s : hosts) {
                byHost.put(s.hostId(), s);
            }
            String name = printable(first.value().spaceName());
            long indexOffset = offset + g.alignSizeBytes();
            IndexView index = null;
            List<ResourceView> resources = new ArrayList<>();
            int notShown = 0;
            if (indexOffset + PROBE_BYTES <= dev.sizeBytes()) {
                ByteBuffer probe = read(indexOffset, PROBE_BYTES);
                if (probe.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) == RindexDescriptor.RINDEX_DISK_MAGIC) {
                    index = index(indexOffset, resources, byHost);
                    notShown = Math.max(0, index.entriesUsed() - resources.size());
                }
            }
            return new LockspaceView(name, offset, first.verdict().toString(), g, hosts, neverUsed,
                    Duration.ofNanos(watchedNs), index, resources, notShown);
        }

        /** The index at {@code offset}; fills {@code resources} (if not null) with the areas it lists. */
        IndexView index(long offset, List<ResourceView> resources, Map<Integer, HostSlot> hosts) throws IOException {
            ByteBuffer head = read(offset, PROBE_BYTES);
            Decoded<RindexHeader> header = RindexDescriptor.decodeHeader(head, 0);
            if (header.value() == null || header.verdict() != Verdict.VALID) {
                return new IndexView(offset, header.verdict() + " (" + header.reason() + ")", 0, 0, null);
            }
            RindexHeader h = header.value();
            AreaGeometry g = AreaGeometry.lookup(h.sectorSizeBytes(), alignOf(h.flags())).orElse(null);
            if (g == null) {
                return new IndexView(offset, "unsupported geometry: sector " + h.sectorSizeBytes() + ", flags "
                        + h.flags(), h.maxResources(), 0, null);
            }
            int entries = Math.min(h.maxResources(), RindexDescriptor.maxEntries(g));
            int entryBytes = g.sectorSizeBytes() + entries * RindexDescriptor.ENTRY_LENGTH;
            ByteBuffer area = read(offset, (entryBytes + PROBE_BYTES - 1) / PROBE_BYTES * PROBE_BYTES);
            int used = 0;
            for (int i = 0; i < entries; i++) {
                Decoded<RindexEntry> e = RindexDescriptor.decodeEntry(area, RindexDescriptor.entryOffsetBytes(g, i));
                if (e.verdict() != Verdict.VALID) {
                    continue;
                }
                used++;
                if (resources != null && resources.size() < RESOURCES_MAX) {
                    long at = RindexDescriptor.resourceOffsetBytes(g, offset, i);
                    if (at + PROBE_BYTES <= dev.sizeBytes()) {
                        resources.add(resource(at, g, hosts));
                    }
                }
            }
            ResourceView lease = null;
            long leaseOffset = offset + g.alignSizeBytes();
            if (leaseOffset + PROBE_BYTES <= dev.sizeBytes()) {
                lease = resource(leaseOffset, g, hosts);
            }
            return new IndexView(offset, "VALID", h.maxResources(), used, lease);
        }

        ResourceView resource(long offset, AreaGeometry expected, Map<Integer, HostSlot> hosts) throws IOException {
            ByteBuffer probe = read(offset, PROBE_BYTES);
            Decoded<LeaderRecord> d = LeaderRecordDescriptor.decode(probe, 0);
            LeaderRecord l = d.value();
            if (l == null || l.kind() != LeaderRecord.Kind.PAXOS && l.kind() != LeaderRecord.Kind.PAXOS_CLEARED) {
                return new ResourceView("", "", offset, d.verdict() + (d.reason() == null ? "" : " (" + d.reason()
                        + ")"), 0, true, 0, 0, 0, 0, false, 0, "not a resource lease", List.of(), 0, 0, List.of());
            }
            AreaGeometry g = AreaGeometry.fromLeader(l.sectorSizeBytes(), l.flags()).orElse(expected);
            ByteBuffer area = read(offset, g.alignSizeBytes());
            Decoded<RequestRecord> request = RequestRecordDescriptor.decode(area, g.resourceRequestOffsetBytes());
            long hostsInArea = Math.min(g.maxHosts(), Math.max(1, l.numHosts()));
            List<SharedHolder> shared = new ArrayList<>();
            List<DblockView> dblocks = new ArrayList<>();
            for (int h = 1; h <= hostsInArea; h++) {
                int at = g.resourceDblockOffsetBytes(h);
                Decoded<Dblock> db = DblockDescriptor.decode(area, at);
                Decoded<ModeBlock> mode = ModeBlockDescriptor.decode(area, g.resourceModeBlockOffsetBytes(h));
                if (mode.value() != null && mode.value().isShared()) {
                    shared.add(new SharedHolder(h, mode.value().generation()));
                }
                Dblock b = db.value();
                if (b != null && db.verdict() != Verdict.BLANK && (b.mbal() != 0 || b.lver() != 0 || b.inp() != 0)
                        || db.verdict() != Verdict.VALID && db.verdict() != Verdict.BLANK) {
                    dblocks.add(b == null ? new DblockView(h, offset + at, db.verdict().toString(), 0, 0, 0, 0, 0,
                            false) : new DblockView(h, offset + at, db.verdict().toString(), b.lver(), b.mbal(),
                            b.bal(), b.inp(), b.inp2(), b.isReleased()));
                }
            }
            RequestRecord r = request.value();
            return new ResourceView(printable(l.spaceName()), printable(l.resourceName()), offset,
                    d.verdict().toString(), l.lver(), l.isFree(), l.ownerId(), l.ownerGeneration(), l.timestamp(),
                    l.writeId(), l.hasShortHold(), l.numHosts(), ownerState(l, hosts), shared,
                    r == null ? 0 : r.lver(), r == null ? 0 : r.forceMode(), dblocks);
        }
    }

    /** The owner's state in words, judged by its host slot when the lockspace was read. */
    static String ownerState(LeaderRecord l, Map<Integer, HostSlot> hosts) {
        if (l.kind() == LeaderRecord.Kind.PAXOS_CLEARED) {
            return "cleared (invalidated on purpose)";
        }
        if (l.isFree()) {
            return l.ownerId() == 0 ? "free, never held" : "free (last held by host " + l.ownerId() + " generation "
                    + l.ownerGeneration() + ")";
        }
        String held = "held by host " + l.ownerId() + " generation " + l.ownerGeneration();
        if (hosts.isEmpty()) {
            return held;
        }
        HostSlot s = hosts.get((int) l.ownerId());
        if (s == null) {
            return held + "; that host id was never used in the lockspace: the lease is stale";
        }
        if (s.liveness() == Liveness.FREE) {
            return held + "; host " + l.ownerId() + " has left the lockspace: the lease is stale, anyone may take it";
        }
        if (s.generation() > l.ownerGeneration()) {
            return held + "; host " + l.ownerId() + " has rejoined as generation " + s.generation()
                    + ": the lease is stale, anyone may take it";
        }
        return held + "; host " + l.ownerId() + " is a member (" + s.liveness().toString().toLowerCase(
                java.util.Locale.ROOT).replace('_', ' ') + ")";
    }

    private static String age(HostIdentity local, LeaderRecord l, long nowMs) {
        HostIdentity writer = HostIdentity.parse(l.resourceName());
        if (local == null || writer == null || !writer.sameBoot(local) || l.timestamp() > nowMs) {
            return "";
        }
        return " (" + (nowMs - l.timestamp()) + " ms ago on this machine's clock: same boot)";
    }

    private static HostIdentity localIdentity() {
        try {
            return HostIdentity.local();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<Integer, LeaderRecord> slots(ByteBuffer area, AreaGeometry g) {
        Map<Integer, LeaderRecord> m = new HashMap<>();
        for (int h = 1; h <= g.maxHosts(); h++) {
            Decoded<DeltaLease> d = DeltaLeaseDescriptor.decode(area, g.lockspaceHostOffsetBytes(h));
            if (d.value() != null && (d.value().leader().ownerId() != 0 || d.value().leader().ownerGeneration() != 0)) {
                m.put(h, d.value().leader());
            }
        }
        return m;
    }

    private static long alignOf(int rindexFlags) {
        if ((rindexFlags & RindexDescriptor.RHF_ALIGN_1M) != 0) {
            return AreaGeometry.MIB;
        }
        if ((rindexFlags & RindexDescriptor.RHF_ALIGN_2M) != 0) {
            return 2L * AreaGeometry.MIB;
        }
        if ((rindexFlags & RindexDescriptor.RHF_ALIGN_4M) != 0) {
            return 4L * AreaGeometry.MIB;
        }
        if ((rindexFlags & RindexDescriptor.RHF_ALIGN_8M) != 0) {
            return 8L * AreaGeometry.MIB;
        }
        return AreaGeometry.MIB;
    }

    /** A name from disk, with control characters escaped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
