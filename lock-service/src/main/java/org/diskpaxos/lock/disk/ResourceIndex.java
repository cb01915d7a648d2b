package org.diskpaxos.lock.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.disk.BufferPool;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.RindexDescriptor;
import org.diskpaxos.paxos.ondisk.RindexEntry;
import org.diskpaxos.paxos.ondisk.RindexHeader;
import org.diskpaxos.paxos.ondisk.Verdict;

/**
 * The lockspace's resource index: resource name → lease area, kept on the disks in sanlock's rindex format (see
 * {@link LockspaceLayout}), so users never compute offsets. Entries carry no checksum (sanlock's format), so with
 * several disks an entry counts only where a majority of disks hold the same name at the same index.
 *
 * <p>Lookups read the index once and cache it; a name not in the cache re-reads it (another host may have
 * created the resource). {@link #create} adds a name under the index's own paxos lease, as sanlock's
 * {@code create} does: take the lease, re-read, pick a free slot, format the resource's area, write the entry,
 * release. The {@link DiskPaxosResource} of each resource is made once and reused, so one process's writes to its
 * sectors stay serialized across lease versions.
 */
public final class ResourceIndex implements LockspaceSession.ResourceResolver {

    private final EventLoop loop;
    private final String lockspaceName;
    private final LockspaceLayout layout;
    private final List<Long> baseOffsets;
    /** One buffer pool per disk, shared by every area of this lockspace on it (all on {@code loop}). */
    private final List<BufferPool> buffers;
    private final List<AreaDisk> disks;
    private final int hostId;
    private final LeaseTimeouts timeouts;
    private final SectorIo indexIo;
    private final Map<String, Integer> cache = new HashMap<>();
    private final Map<Integer, DiskPaxosResource> areas = new HashMap<>();
    /** Index slots whose entries are damaged and hold no majority name, with why (from the last reload). */
    private final Map<Integer, String> damaged = new java.util.TreeMap<>();
    /** Index slots holding anything on any disk (from the last reload): never handed out again. */
    private final java.util.Set<Integer> occupied = new java.util.HashSet<>();
    private final long randomSeed;
    private DiskPaxosResource indexLease;

    /**
     * @param disks the lockspace's disks, each {@link AreaDisk#areaOffsetBytes()} being the disk's base offset
     */
    public ResourceIndex(EventLoop loop, String lockspaceName, LockspaceLayout layout, List<AreaDisk> disks,
            int hostId, LeaseTimeouts timeouts, long randomSeed) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.lockspaceName = Objects.requireNonNull(lockspaceName, "lockspaceName");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.disks = List.copyOf(disks);
        this.hostId = hostId;
        this.timeouts = timeouts;
        this.randomSeed = randomSeed;
        List<Long> bases = new ArrayList<>();
        List<AreaDisk> indexDisks = new ArrayList<>();
        for (AreaDisk d : this.disks) {
            bases.add(d.areaOffsetBytes());
            indexDisks.add(new AreaDisk(d.device(), layout.rindexOffsetBytes(d.areaOffsetBytes()), d.syncAfterWrite()));
        }
        this.baseOffsets = List.copyOf(bases);
        List<BufferPool> pools = new ArrayList<>();
        for (int d = 0; d < this.disks.size(); d++) {
            pools.add(new BufferPool());
        }
        this.buffers = List.copyOf(pools);
        this.indexIo = new SectorIo(indexDisks, timeouts.ioTimeoutNs());
    }

    /** The paxos lease area that serializes index updates. */
    public DiskPaxosResource indexLease() {
        if (indexLease == null) {
            indexLease = area(RindexDescriptor.RINDEX_LEASE_NAME, -1);
        }
        return indexLease;
    }

    private DiskPaxosResource area(String name, int index) {
        List<DiskPaxosResource.Disk> ds = new ArrayList<>();
        for (int d = 0; d < disks.size(); d++) {
            long base = baseOffsets.get(d);
            long offset = index < 0 ? layout.rindexLeaseOffsetBytes(base) : layout.resourceOffsetBytes(base, index);
            ds.add(new DiskPaxosResource.Disk(disks.get(d).device(), offset, disks.get(d).syncAfterWrite(),
                    buffers.get(d)));
        }
        return new DiskPaxosResource(loop, ds, AreaExpectation.resource(lockspaceName, name, layout.geometry()),
                hostId, DblockStamp.areaId(lockspaceName, name), new DiskPaxosResource.Options(timeouts.ioTimeoutNs(),
                4 * timeouts.ioTimeoutNs(), Math.max(1_000_000L, timeouts.ioTimeoutNs() / 8), true),
                RandomSource.seeded(randomSeed ^ (index * 0x9E3779B97F4A7C15L)));
    }

    @Override
    public void resolve(String resourceName, BiConsumer<DiskPaxosResource, String> done) {
        Integer index = cache.get(resourceName);
        if (index != null) {
            done.accept(areas.computeIfAbsent(index, i -> area(resourceName, i)), null);
            return;
        }
        reload(problem -> {
            Integer found = cache.get(resourceName);
            if (found != null) {
                done.accept(areas.computeIfAbsent(found, i -> area(resourceName, i)), null);
            } else if (problem != null) {
                done.accept(null, problem);
            } else if (damage() != null) {
                done.accept(null, "resource '" + resourceName + "' is not in lockspace '" + lockspaceName
                        + "', but " + damage() + "; it may have been there: repair the index before using or "
                        + "creating '" + resourceName + "'");
            } else {
                done.accept(null, "unknown resource '" + resourceName + "' in lockspace '" + lockspaceName
                        + "'; create it with: dplock init resource " + lockspaceName + "/" + resourceName);
            }
        });
    }

    /** Names in the index, after re-reading it. */
    public void list(BiConsumer<List<String>, String> done) {
        reload(problem -> done.accept(List.copyOf(new java.util.TreeSet<>(cache.keySet())), problem));
    }

    /**
     * Re-reads the index header and entries; {@code done} gets null or a problem.
     *
     * <p>A disk whose header is missing or damaged counts as failed (a minority is survived); one whose header is
     * intact but names another lockspace is a configuration error. An entry counts where a majority of disks hold the
     * same valid name. Entries carry no checksum (sanlock's format), so damage shows only as a name that is not
     * valid text or an offset that is not the slot's: a slot with such an entry and no majority is
     * <em>damaged</em> ({@link #damaged}); it is never reused, and a name not found while any slot is damaged may be
     * the damaged one, so it is neither reported as simply unknown nor created again.
     */
    private void reload(Consumer<String> done) {
        int sector = layout.geometry().sectorSizeBytes();
        indexIo.readAll(0, sector + layout.entriesLengthBytes(), reads -> {
            ByteBuffer[] good = new ByteBuffer[reads.size()];
            int goodCount = 0;
            List<String> problems = new ArrayList<>();
            for (int d = 0; d < reads.size(); d++) {
                SectorIo.Read r = reads.get(d);
                if (!r.ok()) {
                    problems.add(r.failure());
                    continue;
                }
                Decoded<RindexHeader> header = RindexDescriptor.decodeHeader(r.bytes(), 0);
                String where = indexIo.disk(d).where(0);
                if (header.verdict() != Verdict.VALID) {
                    problems.add(where + ": no resource index (" + header.verdict() + ", " + header.reason() + ")");
                    continue;
                }
                if (!header.value().lockspaceName().equals(lockspaceName)) {
                    done.accept(where + ": the resource index belongs to lockspace '"
                            + header.value().lockspaceName() + "', expected '" + lockspaceName + "'");
                    return;
                }
                good[d] = r.bytes();
                goodCount++;
            }
            if (goodCount < indexIo.majority()) {
                done.accept("lockspace '" + lockspaceName + "': the resource index is readable on only "
                        + goodCount + " of " + reads.size() + " disks (" + String.join("; ", problems)
                        + "); if the lockspace was never formatted: dplock init lockspace");
                return;
            }
            cache.clear();
            damaged.clear();
            occupied.clear();
            for (int i = 0; i < layout.maxResources(); i++) {
                readSlot(i, good);
            }
            done.accept(null);
        });
    }

    /** Judges index slot {@code i} across the disks whose index was readable ({@code good[d]} non-null). */
    private void readSlot(int i, ByteBuffer[] good) {
        int at = RindexDescriptor.entryOffsetBytes(layout.geometry(), i);
        long expectedOffset = layout.resourceOffsetBytes(baseOffsets.get(0), i);
        Map<String, Integer> votes = new HashMap<>();
        List<String> bad = new ArrayList<>();
        for (int d = 0; d < good.length; d++) {
            if (good[d] == null) {
                continue;
            }
            Decoded<RindexEntry> e = RindexDescriptor.decodeEntry(good[d], at);
            if (e.verdict() == Verdict.BLANK) {
                continue;
            }
            occupied.add(i);
            String name = e.value().name();
            if (e.verdict() != Verdict.VALID || !validName(name) || e.value().resourceOffsetBytes() != expectedOffset) {
                bad.add(indexIo.disk(d).where(at) + ": entry " + i + " is damaged (name '" + printable(name)
                        + "', offset " + e.value().resourceOffsetBytes() + ", expected " + expectedOffset + ")");
                continue;
            }
            votes.merge(name, 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> v : votes.entrySet()) {
            if (v.getValue() >= indexIo.majority()) {
                cache.put(v.getKey(), i);
                return;
            }
        }
        if (!bad.isEmpty() || votes.size() > 1) {
            damaged.put(i, bad.isEmpty() ? "entry " + i + ": the disks hold different names " + votes.keySet()
                    : String.join("; ", bad));
        }
    }

    private static boolean validName(String name) {
        try {
            org.diskpaxos.lock.api.ResourceId.parse("x/" + name);
            return name.indexOf('\uFFFD') < 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            b.append(c < 0x20 || c == 0x7F ? "?" : String.valueOf(c));
        }
        return b.toString();
    }

    /** What is damaged in the index, one line per slot, or null when nothing is. */
    private String damage() {
        return damaged.isEmpty() ? null : "the resource index is damaged: " + String.join("; ", damaged.values());
    }

    /**
     * Adds {@code resourceName} (if it is not there yet) while holding the index lease through {@code leases};
     * {@code done} gets null on success (also when it already existed), else the problem.
     */
    public void create(String resourceName, ResourceLeases leases, Consumer<String> done) {
        create(resourceName, layout.geometry().maxHosts(), leases, done);
    }

    /**
     * As {@link #create(String, ResourceLeases, Consumer)}, formatting a new area with {@code numHosts} host blocks
     * (sanlock's {@code num_hosts}; {@code max_hosts} stays the geometry's): a ballot reads only the first
     * {@code numHosts} blocks, so a small {@code numHosts} makes every acquire cheaper, and only hosts with an id up to
     * {@code numHosts} can acquire the resource. The record stays sanlock-valid ({@code 1 <= num_hosts <= max_hosts}).
     * An existing resource keeps the {@code num_hosts} it was formatted with.
     */
    public void create(String resourceName, int numHosts, ResourceLeases leases, Consumer<String> done) {
        org.diskpaxos.lock.api.ResourceId.parse(lockspaceName + "/" + resourceName);
        int maxHosts = layout.geometry().maxHosts();
        if (numHosts < 1 || numHosts > maxHosts) {
            throw new IllegalArgumentException("num_hosts of '" + resourceName + "' must be 1.." + maxHosts + " for "
                    + layout.geometry().describe() + ", got " + numHosts);
        }
        DiskPaxosResource lease = indexLease();
        long deadline = loop.nowNs() + 2 * timeouts.hostDeadNs() + 10 * timeouts.ioTimeoutNs();
        leases.acquire(lease, deadline, outcome -> {
            if (!(outcome instanceof ResourceLeases.Outcome.Held held)) {
                done.accept("creating '" + resourceName + "': could not take the resource index lease: " + outcome);
                return;
            }
            Consumer<String> finish = problem -> leases.release(lease, held.leader(), releaseProblem -> done.accept(problem));
            reload(problem -> {
                if (problem != null) {
                    finish.accept(problem);
                    return;
                }
                if (cache.containsKey(resourceName)) {
                    finish.accept(null);
                    return;
                }
                if (damage() != null) {
                    // The damaged entry may be this very name: a second area for it would grant it twice.
                    finish.accept("not creating '" + resourceName + "' in lockspace '" + lockspaceName + "': "
                            + damage());
                    return;
                }
                int free = firstFree();
                if (free < 0) {
                    finish.accept("lockspace '" + lockspaceName + "' is full: all " + layout.maxResources()
                            + " resources are in use");
                    return;
                }
                formatArea(resourceName, free, numHosts, formatProblem -> {
                    if (formatProblem != null) {
                        finish.accept(formatProblem);
                        return;
                    }
                    writeEntry(free, resourceName, entryProblem -> {
                        if (entryProblem == null) {
                            cache.put(resourceName, free);
                        }
                        finish.accept(entryProblem);
                    });
                });
            });
        });
    }

    private int firstFree() {
        for (int i = 0; i < layout.maxResources(); i++) {
            if (!occupied.contains(i)) {
                return i;
            }
        }
        return -1;
    }

    private void formatArea(String name, int index, int numHosts, Consumer<String> done) {
        byte[] area = AreaInit.resource(lockspaceName, name, layout.geometry(), numHosts);
        DblockStamp.stampBlankRecords(area, layout.geometry(), numHosts, DblockStamp.areaId(lockspaceName, name));
        long offsetInIndexArea = layout.resourceOffsetBytes(0, index) - layout.rindexOffsetBytes(0);
        indexIo.writeAll(offsetInIndexArea, area, w -> done.accept(w.succeeded() >= indexIo.majority() ? null
                : "formatting the lease area of '" + name + "' reached " + w.succeeded() + " of " + disks.size()
                + " disks (" + String.join("; ", w.failures()) + ")"));
    }

    private void writeEntry(int index, String name, Consumer<String> done) {
        int sector = layout.geometry().sectorSizeBytes();
        int entryAt = RindexDescriptor.entryOffsetBytes(layout.geometry(), index);
        int sectorStart = entryAt / sector * sector;
        indexIo.readAll(sectorStart, sector, reads -> {
            ByteBuffer base = null;
            for (SectorIo.Read r : reads) {
                if (r.ok()) {
                    base = r.bytes();
                    break;
                }
            }
            if (base == null) {
                done.accept("the resource index sector at " + sectorStart + " is unreadable");
                return;
            }
            byte[] bytes = new byte[sector];
            base.get(0, bytes);
            long resourceOffset = layout.resourceOffsetBytes(0, index) - layout.rindexOffsetBytes(0);
            // Each disk's entry holds the absolute offset on that disk; with equal bases they are equal.
            RindexDescriptor.encodeEntry(new RindexEntry(layout.rindexOffsetBytes(baseOffsets.get(0)) + resourceOffset,
                    0, 0, name), ByteBuffer.wrap(bytes), entryAt - sectorStart);
            indexIo.writeAll(sectorStart, bytes, w -> done.accept(w.succeeded() >= indexIo.majority() ? null
                    : "writing the index entry of '" + name + "' reached " + w.succeeded() + " of " + disks.size()
                    + " disks (" + String.join("; ", w.failures()) + ")"));
        });
    }
}
