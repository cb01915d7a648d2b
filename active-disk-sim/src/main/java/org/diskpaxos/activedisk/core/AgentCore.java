package org.diskpaxos.activedisk.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.CasRecord;
import org.diskpaxos.activedisk.format.InstanceRecord;
import org.diskpaxos.activedisk.format.ResourceRecord;
import org.diskpaxos.activedisk.format.SectorHeader;
import org.diskpaxos.activedisk.format.Superblock;

/**
 * The active-disk agent as a pure state machine: requests in; sector writes, syncs and replies out. No clock, no
 * thread, no I/O. The NIO server, the simulated agent and the unit tests drive it; {@link CoreLoader} builds it
 * from the device's sectors.
 *
 * <p><b>Durability.</b> Every state change gets a number ({@code changeSeq}) and dirties its record. A reply is
 * computed at once from the in-memory state but held until every change up to the one it observed is durable
 * ({@code needSeq <= durableSeq}), so no reply ever reveals state a crash could take back, not even a read of
 * another client's unsynced write. Dirty records go out as one {@link CoreOutput.Flush} (writes, then one sync);
 * at most one is out at a time, and changes made meanwhile wait for the next: with many concurrent clients one
 * sync serves many requests (group commit). Without group commit, requests run one at a time and each change
 * gets its own flush.
 *
 * <pre>
 *   request ──► apply (R, W, V change in memory) ──► reply held until durableSeq ≥ needSeq
 *                    │ dirty records
 *                    ▼
 *   no flush out? ──► Flush(batch: writes + sync) ──► batchDone ──► durableSeq := batch's last change
 *                                                                   release held replies, next Flush
 * </pre>
 *
 * <p>Each record gets at most one new generation per batch, so a batch never writes both copies of a record: the
 * copy of the last synced generation survives a torn batch.
 *
 * <p>A failed batch (write or sync error) stops the core: held replies and every later request get
 * {@link ErrorCode#STORAGE_FAILED}; the driver must restart from the device.
 */
public final class AgentCore {
    private static final byte[] EMPTY = new byte[0];

    private final Superblock superblock;
    private final AgentGeometry geometry;
    private final CoreOptions options;
    private final TreeMap<String, Slot> byName = new TreeMap<>();
    private final Slot[] slots;
    private final boolean[] unknownDamaged;
    private final int unknownDamagedCount;
    private final byte[][] cas;
    private final long[] casGeneration;
    private final boolean[] casDamaged;
    private final int damagedRecords;

    private final TreeSet<Integer> dirtyHeaders = new TreeSet<>();
    private final TreeSet<Long> dirtyInstances = new TreeSet<>();
    private final TreeSet<Integer> dirtyCas = new TreeSet<>();
    private final TreeSet<Long> wipes = new TreeSet<>();
    private long changeSeq;
    private long durableSeq;
    private long batchMaxSeq;
    private long nextBatchId = 1;
    private long inFlightBatch;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final ArrayDeque<Queued> queued = new ArrayDeque<>();
    private String failure;
    private final CoreCounters counters = new CoreCounters();
    private Supplier<List<AgentReply.Counter>> extraCounters = List::of;

    /** A resource's place on the device and its registers. */
    static final class Slot {
        final int index;
        final ResourceRegisters regs;
        long headerGeneration;
        final long[] instanceGeneration;

        Slot(int index, ResourceRegisters regs, long headerGeneration, long[] instanceGeneration) {
            this.index = index;
            this.regs = regs;
            this.headerGeneration = headerGeneration;
            this.instanceGeneration = instanceGeneration;
        }
    }

    private record Held(long needSeq, long client, long requestId, AgentReply reply) {
    }

    private record Queued(long client, long requestId, AgentRequest request) {
    }

    AgentCore(Superblock superblock, CoreOptions options, Slot[] slots, boolean[] unknownDamaged, byte[][] cas,
            long[] casGeneration, boolean[] casDamaged, int damagedRecords) {
        this.superblock = Objects.requireNonNull(superblock);
        this.geometry = superblock.geometry();
        this.options = Objects.requireNonNull(options);
        this.slots = slots;
        this.unknownDamaged = unknownDamaged;
        int unknown = 0;
        for (boolean u : unknownDamaged) {
            unknown += u ? 1 : 0;
        }
        this.unknownDamagedCount = unknown;
        for (Slot s : slots) {
            if (s != null) {
                Slot other = byName.putIfAbsent(s.regs.name(), s);
                if (other != null) {
                    // Two headers with one name cannot come from this code; trust neither.
                    other.regs.markRDamaged();
                    s.regs.markRDamaged();
                }
            }
        }
        this.cas = cas;
        this.casGeneration = casGeneration;
        this.casDamaged = casDamaged;
        this.damagedRecords = damagedRecords;
    }

    /** Counters the driver adds to {@code stat} replies (connections, rejected frames, ...). */
    public void setExtraCounters(Supplier<List<AgentReply.Counter>> extra) {
        this.extraCounters = Objects.requireNonNull(extra);
    }

    // ------------------------------------------------------------------ inputs

    /** A request from {@code client}; outputs (a reply now, a flush) are appended to {@code out}. */
    public void request(long client, long requestId, AgentRequest request, List<CoreOutput> out) {
        counters.requests++;
        if (failure != null) {
            error(out, client, requestId, ErrorCode.STORAGE_FAILED, failure);
            return;
        }
        if (held.size() + queued.size() >= options.pendingMax()) {
            counters.overloaded++;
            error(out, client, requestId, ErrorCode.OVERLOADED, "agent " + superblock.name() + ": "
                    + options.pendingMax() + " requests are already waiting for the device; retry later");
            return;
        }
        if (!options.groupCommit() && inFlightBatch != 0) {
            queued.addLast(new Queued(client, requestId, request));
            return;
        }
        execute(client, requestId, request, out);
        maybeFlush(out);
    }

    /** The driver finished {@code Flush(batchId)}: every write and the sync succeeded ({@code ok}) or not. */
    public void batchDone(long batchId, boolean ok, String problem, List<CoreOutput> out) {
        if (batchId != inFlightBatch || batchId == 0) {
            throw new IllegalStateException("batch " + batchId + " finished but batch " + inFlightBatch
                    + " is the one out");
        }
        inFlightBatch = 0;
        if (!ok) {
            fail("agent " + superblock.name() + ": the device failed (" + problem + "); the agent stopped answering "
                    + "so that no reply claims durability it does not have; restart it", out);
            return;
        }
        counters.batches++;
        durableSeq = batchMaxSeq;
        while (!held.isEmpty() && held.peekFirst().needSeq() <= durableSeq) {
            Held h = held.pollFirst();
            out.add(new CoreOutput.Reply(h.client(), h.requestId(), h.reply()));
        }
        while (!queued.isEmpty() && inFlightBatch == 0) {
            Queued q = queued.pollFirst();
            execute(q.client(), q.requestId(), q.request(), out);
            maybeFlush(out);
        }
        maybeFlush(out);
    }

    private void fail(String why, List<CoreOutput> out) {
        failure = why;
        for (Held h : held) {
            counters.errors++;
            out.add(new CoreOutput.Reply(h.client(), h.requestId(), new AgentReply.Error(ErrorCode.STORAGE_FAILED,
                    why)));
        }
        held.clear();
        for (Queued q : queued) {
            error(out, q.client(), q.requestId(), ErrorCode.STORAGE_FAILED, why);
        }
        queued.clear();
        dirtyHeaders.clear();
        dirtyInstances.clear();
        dirtyCas.clear();
        wipes.clear();
    }

    // ------------------------------------------------------------------ execution

    private void execute(long client, long requestId, AgentRequest request, List<CoreOutput> out) {
        AgentReply reply;
        if (request instanceof AgentRequest.RrRead r) {
            counters.rrReads++;
            reply = rrRead(r);
        } else if (request instanceof AgentRequest.RrReadFrom r) {
            counters.rrReadFroms++;
            reply = rrReadFrom(r);
        } else if (request instanceof AgentRequest.RrWrite r) {
            counters.rrWrites++;
            reply = rrWrite(r);
        } else if (request instanceof AgentRequest.CompareAndWrite c) {
            counters.compareAndWrites++;
            reply = compareAndWrite(c);
        } else if (request instanceof AgentRequest.ReadBlock b) {
            counters.blockReads++;
            reply = readBlock(b);
        } else {
            counters.stats++;
            reply = stat();
        }
        if (reply instanceof AgentReply.Error) {
            counters.errors++;
        }
        if (changeSeq <= durableSeq) {
            out.add(new CoreOutput.Reply(client, requestId, reply));
        } else {
            held.addLast(new Held(changeSeq, client, requestId, reply));
            counters.heldMax = Math.max(counters.heldMax, held.size());
        }
    }

    private AgentReply rrRead(AgentRequest.RrRead r) {
        Slot s = byName.get(r.resource());
        if (s == null) {
            if (r.rank().isZero()) {
                return new AgentReply.RrReadResult(AgentRank.ZERO, AgentRank.ZERO, EMPTY, false, 0);
            }
            AgentReply.Error refused = refuseCreation(r.resource());
            if (refused != null) {
                return refused;
            }
            s = create(r.resource());
        }
        return apply(s, s.regs.read(r.instance(), r.rank()));
    }

    private AgentReply rrReadFrom(AgentRequest.RrReadFrom r) {
        Slot s = byName.get(r.resource());
        if (s == null) {
            if (r.rank().isZero()) {
                return new AgentReply.RrReadFromResult(AgentRank.ZERO, 0, List.of());
            }
            AgentReply.Error refused = refuseCreation(r.resource());
            if (refused != null) {
                return refused;
            }
            s = create(r.resource());
        }
        return apply(s, s.regs.readFrom(r.fromInstance(), r.rank()));
    }

    private AgentReply rrWrite(AgentRequest.RrWrite w) {
        Slot s = byName.get(w.resource());
        if (s == null) {
            if (w.rank().isZero()) {
                counters.aborts++;
                return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.ABORTED, AgentRank.ZERO, 0);
            }
            AgentReply.Error refused = refuseCreation(w.resource());
            if (refused != null) {
                return refused;
            }
            s = create(w.resource());
        }
        ResourceRegisters.Result result = s.regs.write(w.instance(), w.rank(), w.value());
        if (result.reply() instanceof AgentReply.RrWriteResult wr) {
            switch (wr.outcome()) {
                case COMMITTED -> {
                    if (result.changed()) {
                        counters.commits++;
                    } else {
                        counters.retryCommits++;
                    }
                }
                case ABORTED -> counters.aborts++;
                case COMPACTED -> counters.compacted++;
                default -> throw new IllegalStateException();
            }
        }
        return apply(s, result);
    }

    private AgentReply apply(Slot s, ResourceRegisters.Result result) {
        if (result.rChanged()) {
            changed();
            if (dirtyHeaders.add(s.index)) {
                s.headerGeneration++;
            }
        }
        if (result.slotChanged() >= 0) {
            changed();
            if (dirtyInstances.add(instanceKey(s.index, result.slotChanged()))) {
                s.instanceGeneration[result.slotChanged()]++;
            }
        }
        return result.reply();
    }

    private void changed() {
        changeSeq++;
        counters.changes++;
    }

    private long instanceKey(int slot, int k) {
        return (long) slot * geometry.windowInstances() + k;
    }

    private AgentReply.Error refuseCreation(String name) {
        if (unknownDamagedCount > 0) {
            return new AgentReply.Error(ErrorCode.CORRUPT, "agent " + superblock.name() + ": cannot create resource '"
                    + name + "': " + unknownDamagedCount + " resource slot(s) are damaged and their names are "
                    + "unknown, and '" + name + "' may be one of them; existing resources still work");
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null && !unknownDamaged[i]) {
                return null;
            }
        }
        return new AgentReply.Error(ErrorCode.FULL, "agent " + superblock.name() + ": cannot create resource '"
                + name + "': all " + geometry.resourcesMax() + " resource slots are in use; give this resource to "
                + "agents with room, or initialise a new agent device with a larger --resources");
    }

    /** Takes the first free slot (known to exist); its header gets generation 1, its instance copies 1 are wiped. */
    private Slot create(String name) {
        int index = 0;
        while (slots[index] != null || unknownDamaged[index]) {
            index++;
        }
        Slot s = new Slot(index, new ResourceRegisters(name, geometry.windowInstances()), 0,
                new long[geometry.windowInstances()]);
        slots[index] = s;
        byName.put(name, s);
        counters.resourcesCreated++;
        changed();
        dirtyHeaders.add(index);
        s.headerGeneration = 1;
        for (int k = 0; k < geometry.windowInstances(); k++) {
            wipes.add(geometry.instanceSector(index, k, 1));
        }
        return s;
    }

    private AgentReply compareAndWrite(AgentRequest.CompareAndWrite c) {
        AgentReply.Error bad = checkBlock(c.block());
        if (bad != null) {
            return bad;
        }
        int b = c.block();
        if (!Arrays.equals(cas[b], c.expected())) {
            counters.casMismatched++;
            return new AgentReply.CasResult(false, cas[b]);
        }
        counters.casSwapped++;
        byte[] replacement = c.replacement();
        if (!Arrays.equals(cas[b], replacement)) {
            cas[b] = replacement;
            changed();
            if (dirtyCas.add(b)) {
                casGeneration[b]++;
            }
        }
        return new AgentReply.CasResult(true, replacement);
    }

    private AgentReply readBlock(AgentRequest.ReadBlock r) {
        AgentReply.Error bad = checkBlock(r.block());
        return bad != null ? bad : new AgentReply.BlockContent(r.block(), cas[r.block()]);
    }

    private AgentReply.Error checkBlock(int block) {
        if (block >= geometry.casBlocks()) {
            return new AgentReply.Error(ErrorCode.BAD_REQUEST, "agent " + superblock.name() + ": CAS block " + block
                    + " outside [0, " + geometry.casBlocks() + ")");
        }
        if (casDamaged[block]) {
            return new AgentReply.Error(ErrorCode.CORRUPT, "agent " + superblock.name() + ": CAS block " + block
                    + " is damaged on the device");
        }
        return null;
    }

    private AgentReply stat() {
        List<AgentReply.Counter> list = new ArrayList<>(counters.list());
        list.add(new AgentReply.Counter("held_now", held.size()));
        list.add(new AgentReply.Counter("queued_now", queued.size()));
        list.add(new AgentReply.Counter("resources_used", byName.size()));
        list.add(new AgentReply.Counter("resources_max", geometry.resourcesMax()));
        list.add(new AgentReply.Counter("window_instances", geometry.windowInstances()));
        list.add(new AgentReply.Counter("cas_blocks", geometry.casBlocks()));
        list.add(new AgentReply.Counter("sector_size_bytes", geometry.sectorSizeBytes()));
        list.add(new AgentReply.Counter("damaged_records", damagedRecords));
        list.add(new AgentReply.Counter("group_commit", options.groupCommit() ? 1 : 0));
        list.add(new AgentReply.Counter("failed", failure == null ? 0 : 1));
        for (AgentReply.Counter c : extraCounters.get()) {
            if (list.size() >= AgentLimits.STAT_COUNTERS_MAX) {
                break;
            }
            list.add(c);
        }
        return new AgentReply.StatResult(superblock.agentIdHigh(), superblock.agentIdLow(), superblock.name(),
                SectorHeader.FORMAT_VERSION, list);
    }

    private void error(List<CoreOutput> out, long client, long requestId, ErrorCode code, String message) {
        counters.errors++;
        out.add(new CoreOutput.Reply(client, requestId, new AgentReply.Error(code, message)));
    }

    // ------------------------------------------------------------------ flushing

    private boolean hasDirty() {
        return !dirtyHeaders.isEmpty() || !dirtyInstances.isEmpty() || !dirtyCas.isEmpty() || !wipes.isEmpty();
    }

    private void maybeFlush(List<CoreOutput> out) {
        if (inFlightBatch != 0 || !hasDirty() || failure != null) {
            return;
        }
        int size = geometry.sectorSizeBytes();
        TreeMap<Long, byte[]> images = new TreeMap<>();
        for (long sector : wipes) {
            images.put(sector, new byte[size]);
        }
        for (int index : dirtyHeaders) {
            Slot s = slots[index];
            long sector = geometry.resourceHeaderSector(index, (int) (s.headerGeneration & 1));
            images.put(sector, new ResourceRecord(s.headerGeneration, s.regs.name(), s.regs.r()).encode(size,
                    sector));
        }
        for (long key : dirtyInstances) {
            Slot s = slots[(int) (key / geometry.windowInstances())];
            int k = (int) (key % geometry.windowInstances());
            long generation = s.instanceGeneration[k];
            long sector = geometry.instanceSector(s.index, k, (int) (generation & 1));
            images.put(sector, new InstanceRecord(generation, s.regs.name(), s.regs.slotInstance(k),
                    s.regs.slotW(k), s.regs.slotValue(k)).encode(size, sector));
        }
        for (int b : dirtyCas) {
            long sector = geometry.casSector(b, (int) (casGeneration[b] & 1));
            images.put(sector, new CasRecord(casGeneration[b], b, cas[b]).encode(size, sector));
        }
        wipes.clear();
        dirtyHeaders.clear();
        dirtyInstances.clear();
        dirtyCas.clear();
        List<SectorWrite> writes = new ArrayList<>(images.size());
        images.forEach((sector, bytes) -> writes.add(new SectorWrite(sector, bytes)));
        counters.sectorsWritten += writes.size();
        inFlightBatch = nextBatchId++;
        batchMaxSeq = changeSeq;
        out.add(new CoreOutput.Flush(inFlightBatch, writes));
    }

    // ------------------------------------------------------------------ views

    public Superblock superblock() {
        return superblock;
    }

    public CoreCounters counters() {
        return counters;
    }

    /** Replies waiting for durability, plus requests waiting for their turn. */
    public int pendingCount() {
        return held.size() + queued.size();
    }

    public boolean batchOut() {
        return inFlightBatch != 0;
    }

    public boolean failed() {
        return failure != null;
    }

    /** Records found without a valid copy when this core was loaded. */
    public int damagedRecords() {
        return damagedRecords;
    }

    public long changeSeq() {
        return changeSeq;
    }

    public long durableSeq() {
        return durableSeq;
    }

    /** The registers of {@code resource} (for checkers and tests; do not change them); null when unknown. */
    public ResourceRegisters registers(String resource) {
        Slot s = byName.get(resource);
        return s == null ? null : s.regs;
    }

    /** Content of CAS block {@code block}; null when damaged. */
    public byte[] casBlock(int block) {
        return casDamaged[block] ? null : cas[block].clone();
    }

    public List<String> resourceNames() {
        return List.copyOf(byName.keySet());
    }
}
