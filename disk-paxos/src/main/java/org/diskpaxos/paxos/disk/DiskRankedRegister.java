package org.diskpaxos.paxos.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.core.BallotBlock;
import org.diskpaxos.paxos.core.BallotResult;
import org.diskpaxos.paxos.core.DiskBallot;
import org.diskpaxos.paxos.core.DiskIo;
import org.diskpaxos.paxos.core.Inp;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.Decoded;
import org.diskpaxos.paxos.ondisk.ModeBlock;
import org.diskpaxos.paxos.ondisk.ModeBlockDescriptor;

/**
 * The ranked register of one consensus instance ({@code lver}) of one resource, emulated by Disk Paxos over the
 * resource's lease area on {@code n} disks: the production driver of {@link DiskBallot}, and the same code the
 * simulator runs.
 *
 * <p>It executes the core's requests on {@link AsyncBlockDevice}s — all disks in parallel, each I/O with a timeout —
 * encodes and decodes sanlock's dblock sectors, and feeds completions back to the core on the register's
 * {@link EventLoop} (the one the devices deliver on). The first operation runs phase 0 first, so a restarted
 * process never forgets a value it wrote before its crash. Each operation also has an overall deadline, after
 * which disks that have not answered count as failed: a majority of failing disks yields
 * {@link RankedRegister.ReadUnavailable}/{@link RankedRegister.Outcome.Unavailable}, never a hang.
 *
 * <p>Sector layout (sanlock's, see {@code AreaGeometry}): a process's block for host id {@code h} is sector
 * {@code h + 1} of the area; a ballot reads sectors {@code 2 .. numHosts + 1} in one I/O. Ranks map to sanlock
 * ballot numbers with {@code maxHosts} as the stride ({@link Rank#toBallot}).
 *
 * <p>Buffers come from the replica's {@link BufferPool}, shared by all registers of the area, and go back only at
 * an I/O's final completion: a buffer whose read or write timed out stays out of the pool until its late completion
 * returns. A disk with {@link #STUCK_READS_MAX} reads outstanding fails new reads at once.
 */
public final class DiskRankedRegister implements RankedRegister<Inp> {

    /** Reads per disk that may be outstanding (timed out and not yet completed) before new ones fail at once. */
    public static final int STUCK_READS_MAX = 4;

    /**
     * Where the resource's lease area is on one disk, the gate that serializes this process's writes to its
     * sector there across all registers of the area ({@link SectorWriteGate}), and the buffers those registers
     * share ({@link BufferPool}): keep one {@code Replica} per (area, disk) for the life of the process incarnation
     * and hand the same one to every register of the area.
     */
    public record Replica(AsyncBlockDevice device, long areaOffsetBytes, boolean syncAfterWrite,
                          SectorWriteGate writeGate, BufferPool buffers) {
        public Replica {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(writeGate, "writeGate");
            Objects.requireNonNull(buffers, "buffers");
            if (areaOffsetBytes < 0) {
                throw new IllegalArgumentException("area offset must be non-negative, got " + areaOffsetBytes);
            }
        }

        /**
         * @param syncAfterWrite whether a write needs a sync to be durable: not for O_DSYNC direct I/O, yes for a
         *                       memory-mapped file or a disk with a volatile write cache
         */
        public Replica(AsyncBlockDevice device, long areaOffsetBytes, boolean syncAfterWrite) {
            this(device, areaOffsetBytes, syncAfterWrite, new SectorWriteGate(), new BufferPool());
        }
    }

    /**
     * @param sectorSizeBytes the area's sector size (512 or 4096)
     * @param maxHosts        the ballot stride, the leader record's {@code max_hosts}
     * @param numHosts        how many host blocks a ballot reads, the leader record's {@code num_hosts}
     * @param hostId          this process's host id, {@code 1..numHosts}
     * @param lver            the consensus instance
     * @param ioTimeoutNs     per-I/O timeout
     * @param opDeadlineNs    per-operation deadline (after it, silent disks count as failed)
     * @param modeBlock       the mode block written with every dblock (sanlock writes a zero one)
     * @param areaId          the area's identity for {@link DblockStamp}s ({@link DblockStamp#areaId})
     * @param requireStamps   whether every block must carry a stamp: true for areas formatted by dplock (their blank
     *                        blocks are stamped), so a read misdirected to an unwritten sector is caught too; false
     *                        for areas sanlock formatted or writes
     */
    public record Config(int sectorSizeBytes, int maxHosts, int numHosts, int hostId, long lver, long ioTimeoutNs,
                         long opDeadlineNs, ModeBlock modeBlock, long areaId, boolean requireStamps) {
        public Config {
            if (sectorSizeBytes != 512 && sectorSizeBytes != 4096) {
                throw new IllegalArgumentException("sector size must be 512 or 4096, got " + sectorSizeBytes);
            }
            if (maxHosts < 1 || maxHosts > DiskBallot.PROCESSES_MAX || numHosts < 1 || numHosts > maxHosts) {
                throw new IllegalArgumentException("need 1 <= numHosts (" + numHosts + ") <= maxHosts (" + maxHosts
                        + ") <= " + DiskBallot.PROCESSES_MAX);
            }
            if (hostId < 1 || hostId > numHosts) {
                throw new IllegalArgumentException("host id " + hostId + " outside 1.." + numHosts);
            }
            if (ioTimeoutNs <= 0 || opDeadlineNs <= 0) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
            Objects.requireNonNull(modeBlock, "modeBlock");
        }
    }

    private enum Pending { NONE, READ, WRITE }

    /** The block a never-written dblock sector holds ({@link #toBallotBlock} of a blank one). */
    private static final BallotBlock BLANK = BallotBlock.initial(0);

    private final EventLoop loop;
    private final List<Replica> replicas;
    private final Config config;
    private final DiskBallot core;
    private final int[] readsOutstanding;
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private final List<DiskIo> outbox = new ArrayList<>();

    private final boolean[] writable;
    private final int[] blankSectorCrcs;
    private long supersededFromMemory;
    private Pending pending = Pending.NONE;
    private long pendingBallot;
    private Inp pendingValue;
    private Callback<ReadOutcome<Inp>> readCallback;
    private Callback<Outcome> writeCallback;
    private EventLoop.Scheduled deadline;
    private boolean draining;

    private record InFlight(int disk, IoBuffer buffer, DiskIo request) {
    }

    /**
     * A {@code SHARED} mode block ({@link ModeBlock#isShared()}) that this register's newest complete ballot read of
     * {@code disk} found in host {@code hostId}'s sector; {@code sector} is that sector as read (dblock, stamp and
     * mode block), for a caller that clears the mode block of a host proven gone.
     */
    public record SharedBlockSeen(int disk, long hostId, long generation, byte[] sector) {
    }

    /** Per disk: the shared blocks of other hosts in the newest ballot read of it that decoded completely. */
    private final List<List<SharedBlockSeen>> sharedSeen = new ArrayList<>();

    public DiskRankedRegister(EventLoop loop, List<Replica> replicas, Config config) {
        this(loop, replicas, config, null);
    }

    /**
     * @param writableDisks disks this register may write (null: all); writes to the others fail at once, so a disk
     *                      whose area did not validate is never written (it may not be this area at all)
     */
    public DiskRankedRegister(EventLoop loop, List<Replica> replicas, Config config, boolean[] writableDisks) {
        this(loop, replicas, config, writableDisks, null);
    }

    /**
     * @param newestOwnBlock the newest block this process wrote to its sector of this area, if it knows it (null:
     *                       read it back, phase 0); saves a read per instance for a process that keeps its resources
     */
    public DiskRankedRegister(EventLoop loop, List<Replica> replicas, Config config, boolean[] writableDisks,
                              BallotBlock newestOwnBlock) {
        this(loop, replicas, config, writableDisks, newestOwnBlock, null);
    }

    /**
     * @param blankSectorCrcs {@link DblockStamp#blankSectorCrcs} of the area's {@code numHosts} and id, if the caller
     *                        keeps them (null: every block is judged the full way); a ballot read then recognises
     *                        never-written stamped blocks without computing their checksums
     */
    public DiskRankedRegister(EventLoop loop, List<Replica> replicas, Config config, boolean[] writableDisks,
                              BallotBlock newestOwnBlock, int[] blankSectorCrcs) {
        if (blankSectorCrcs != null && blankSectorCrcs.length != config.numHosts() + 1) {
            throw new IllegalArgumentException("blank sector checksums for " + (blankSectorCrcs.length - 1)
                    + " hosts, the area has " + config.numHosts());
        }
        this.blankSectorCrcs = blankSectorCrcs;
        this.loop = Objects.requireNonNull(loop, "loop");
        this.replicas = List.copyOf(replicas);
        this.config = Objects.requireNonNull(config, "config");
        this.core = new DiskBallot(this.replicas.size(), config.hostId(), config.lver());
        this.writable = writableDisks == null ? null : writableDisks.clone();
        if (newestOwnBlock != null) {
            supersededFromMemory = !core.recoverFrom(newestOwnBlock) ? newestOwnBlock.lver() : 0;
        }
        this.readsOutstanding = new int[this.replicas.size()];
        for (int d = 0; d < this.replicas.size(); d++) {
            Replica r = this.replicas.get(d);
            if (r.device().logicalSectorSizeBytes() > config.sectorSizeBytes()) {
                throw new IllegalArgumentException(r.device().name() + ": logical sector size "
                        + r.device().logicalSectorSizeBytes() + " is larger than the area's " + config.sectorSizeBytes());
            }
            if (r.areaOffsetBytes() % config.sectorSizeBytes() != 0) {
                throw new IllegalArgumentException(r.device().name() + ": area offset " + r.areaOffsetBytes()
                        + " is not a multiple of the sector size " + config.sectorSizeBytes());
            }
            long areaEnd = r.areaOffsetBytes() + (long) (config.numHosts() + 2) * config.sectorSizeBytes();
            if (areaEnd > r.device().sizeBytes()) {
                throw new IllegalArgumentException(r.device().name() + ": the lease area at offset "
                        + r.areaOffsetBytes() + " needs " + areaEnd + " bytes, the device has " + r.device().sizeBytes());
            }
            sharedSeen.add(List.of());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RankedRegister

    @Override
    public void rrRead(Rank rank, Callback<ReadOutcome<Inp>> callback) {
        start(Pending.READ, rank, null);
        readCallback = Objects.requireNonNull(callback, "callback");
        begin();
    }

    @Override
    public void rrWrite(Rank rank, Inp value, Callback<Outcome> callback) {
        Objects.requireNonNull(value, "value");
        start(Pending.WRITE, rank, value);
        writeCallback = Objects.requireNonNull(callback, "callback");
        begin();
    }

    /** Whether phase 0 is done (from disk or memory): then {@link #dblock()} is this process's newest block. */
    public boolean recovered() {
        return core.recovered();
    }

    /** The block this process last wrote or is writing, for status and tests. */
    public BallotBlock dblock() {
        return core.dblock();
    }

    public Config config() {
        return config;
    }

    /**
     * The {@code SHARED} mode blocks of other hosts that this register's ballot reads found: for each disk, those of
     * the newest read of that disk in which every block decoded. A shared holder whose mode-block write reached a
     * majority of disks before this register's first read began is in this list, whichever majority the reads
     * reached (two majorities meet). Entries may be stale (cleared since); callers judge them.
     */
    public List<SharedBlockSeen> sharedBlocksSeen() {
        List<SharedBlockSeen> all = new ArrayList<>();
        for (List<SharedBlockSeen> perDisk : sharedSeen) {
            all.addAll(perDisk);
        }
        return all;
    }

    /** Completions that arrived for I/O the core no longer waited for (late or stale). */
    public long ignoredCompletions() {
        return core.ignoredCompletions();
    }

    private void start(Pending kind, Rank rank, Inp value) {
        if (pending != Pending.NONE) {
            throw new IllegalStateException("host " + config.hostId() + " lver " + config.lver()
                    + ": an operation is already in progress");
        }
        if (rank.idHigh() != 0 || rank.idLow() != config.hostId()) {
            throw new IllegalArgumentException("rank " + rank + " does not belong to host " + config.hostId());
        }
        pending = kind;
        pendingBallot = rank.toBallot(config.maxHosts());
        pendingValue = value;
    }

    private void begin() {
        if (supersededFromMemory > 0) {
            long seen = supersededFromMemory;
            loop.execute(() -> finished(new BallotResult.Superseded(seen)));
            return;
        }
        deadline = loop.schedule(config.opDeadlineNs(), this::deadlinePassed);
        if (!core.recovered()) {
            core.recover(outbox);
        } else {
            startPhase();
        }
        drain();
    }

    private void startPhase() {
        if (pending == Pending.READ) {
            core.read(pendingBallot, outbox);
        } else {
            core.write(pendingBallot, pendingValue, outbox);
        }
    }

    private void deadlinePassed() {
        deadline = null;
        if (core.busy()) {
            core.onDeadline(outbox);
            drain();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Executing the core's requests

    /**
     * Executes the outbox in order. A user callback may start the next operation; its requests join the outbox
     * and are executed by the same loop, so nothing recurses.
     */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            for (int i = 0; i < outbox.size(); i++) {
                DiskIo io = outbox.get(i);
                if (io instanceof DiskIo.WriteBlock w) {
                    submitWrite(w);
                } else if (io instanceof DiskIo.ReadBlocks r) {
                    submitRead(r, r.disk(), 2, config.numHosts());
                } else if (io instanceof DiskIo.ReadOwnBlock r) {
                    submitRead(r, r.disk(), config.hostId() + 1, 1);
                } else if (io instanceof DiskIo.Finished f) {
                    finished(f.result());
                }
            }
        } finally {
            outbox.clear();
            draining = false;
        }
    }

    private static final boolean DEBUG = System.getProperty("dp.debug.io") != null;

    /** Whether to trace this register's I/O; callers check it before building the message, which is costly. */
    private boolean debugging() {
        return DEBUG && config.lver() == Long.getLong("dp.debug.io");
    }

    private void debug(String what) {
        System.err.println(loop.nowNs() + " host " + config.hostId() + " " + what);
    }

    private void submitWrite(DiskIo.WriteBlock w) {
        if (writable != null && !writable[w.disk()]) {
            loop.execute(() -> {
                core.onWriteResult(w.ioId(), w.disk(), DiskBallot.WriteStatus.FAILED, replicas.get(w.disk()).device()
                        .name() + ": not written, its lease area did not validate", outbox);
                drain();
            });
            return;
        }
        if (debugging()) {
            debug("write disk " + w.disk() + " io " + w.ioId() + " " + w.block());
        }
        Replica r = replicas.get(w.disk());
        if (!r.writeGate().admit(w.block().lver())) {
            long newest = r.writeGate().newestLver();
            loop.execute(() -> {
                core.onWriteResult(w.ioId(), w.disk(), DiskBallot.WriteStatus.FAILED, r.device().name()
                        + ": not written, this process already wrote its sector for the later instance " + newest
                        + " (a block of instance " + w.block().lver() + " would roll it back)", outbox);
                drain();
            });
            return;
        }
        IoBuffer buffer = r.buffers().take(config.sectorSizeBytes());
        BallotBlock b = w.block();
        Dblock dblock = new Dblock(b.mbal(), b.bal(), b.inp().inp(), b.inp().inp2(), b.inp().inp3(), b.lver(), 0);
        byte[] sector = DblockDescriptor.encodeSector(dblock, config.modeBlock(), config.sectorSizeBytes());
        buffer.bytes().clear();
        buffer.bytes().put(0, sector);
        DblockStamp.stamp(buffer.bytes(), 0, config.hostId(), config.areaId());
        long offset = r.areaOffsetBytes() + (long) (config.hostId() + 1) * config.sectorSizeBytes();
        inFlight.put(w.ioId(), new InFlight(w.disk(), buffer, w));
        boolean accepted = r.writeGate().submit(() -> r.device().write(w.ioId(), offset, buffer,
                config.sectorSizeBytes(), config.ioTimeoutNs(), this::writeDone));
        if (!accepted) {
            inFlight.remove(w.ioId());
            r.buffers().give(buffer);
            loop.execute(() -> {
                core.onWriteResult(w.ioId(), w.disk(), DiskBallot.WriteStatus.FAILED, r.device().name() + ": "
                        + SectorWriteGate.QUEUED_MAX + " earlier writes to this sector have not completed", outbox);
                drain();
            });
        }
    }

    private void writeDone(IoResult result) {
        InFlight f = inFlight.get(result.ioId());
        if (f == null) {
            return;
        }
        if (result.status() != IoResult.Status.TIMED_OUT) {
            inFlight.remove(result.ioId());
        }
        if (result.ok() && !result.late() && replicas.get(f.disk()).syncAfterWrite()) {
            inFlight.put(result.ioId(), f);
            replicas.get(f.disk()).device().sync(result.ioId(), config.ioTimeoutNs(), this::syncDone);
            return;
        }
        deliverWrite(f, result);
    }

    private void syncDone(IoResult result) {
        InFlight f = inFlight.get(result.ioId());
        if (f == null) {
            return;
        }
        if (result.status() != IoResult.Status.TIMED_OUT) {
            inFlight.remove(result.ioId());
        }
        deliverWrite(f, result);
    }

    private void deliverWrite(InFlight f, IoResult result) {
        int disk = f.disk();
        if (result.status() != IoResult.Status.TIMED_OUT) {
            // The write's final completion: the device is done with the buffer and the sector.
            replicas.get(disk).buffers().give(f.buffer());
            replicas.get(disk).writeGate().done();
        }
        if (debugging()) {
            debug("write result disk " + disk + " io " + result.ioId() + " " + result.status()
                    + (result.late() ? " late" : ""));
        }
        DiskBallot.WriteStatus status;
        if (result.late()) {
            status = DiskBallot.WriteStatus.LATE;
        } else {
            status = switch (result.status()) {
                case OK -> DiskBallot.WriteStatus.OK;
                case FAILED -> DiskBallot.WriteStatus.FAILED;
                case TIMED_OUT -> DiskBallot.WriteStatus.TIMED_OUT;
            };
        }
        String error = result.error() == null ? null : result.error().getMessage();
        core.onWriteResult(result.ioId(), disk, status, error, outbox);
        drain();
    }

    private void submitRead(DiskIo request, int disk, long firstSector, int sectorCount) {
        Replica r = replicas.get(disk);
        long ioId = request instanceof DiskIo.ReadBlocks rb ? rb.ioId() : ((DiskIo.ReadOwnBlock) request).ioId();
        if (readsOutstanding[disk] >= STUCK_READS_MAX) {
            loop.execute(() -> {
                core.onReadFailed(ioId, disk, r.device().name() + ": " + STUCK_READS_MAX
                        + " earlier reads have not completed", outbox);
                drain();
            });
            return;
        }
        int lengthBytes = sectorCount * config.sectorSizeBytes();
        IoBuffer buffer = r.buffers().take(config.numHosts() * config.sectorSizeBytes());
        readsOutstanding[disk]++;
        inFlight.put(ioId, new InFlight(disk, buffer, request));
        long offset = r.areaOffsetBytes() + firstSector * config.sectorSizeBytes();
        r.device().read(ioId, offset, buffer, lengthBytes, config.ioTimeoutNs(), this::readDone);
    }

    private void readDone(IoResult result) {
        InFlight f = inFlight.get(result.ioId());
        if (f == null) {
            return;
        }
        if (debugging()) {
            debug("read result disk " + f.disk() + " io " + result.ioId() + " " + result.status()
                    + (result.late() ? " late" : "") + (result.error() == null ? "" : " " + result.error().getMessage()));
        }
        int disk = f.disk();
        Replica r = replicas.get(disk);
        if (result.status() == IoResult.Status.TIMED_OUT) {
            core.onReadFailed(result.ioId(), disk, r.device().name() + ": read timed out", outbox);
            drain();
            return;
        }
        inFlight.remove(result.ioId());
        readsOutstanding[disk]--;
        try {
            if (result.late()) {
                return;
            }
            if (!result.ok()) {
                core.onReadFailed(result.ioId(), disk, r.device().name() + ": read failed: "
                        + (result.error() == null ? "error" : result.error().getMessage()), outbox);
            } else if (f.request() instanceof DiskIo.ReadBlocks) {
                decodeBlocks(result.ioId(), disk, f.buffer().bytes());
            } else {
                decodeOwn(result.ioId(), disk, f.buffer().bytes());
            }
        } finally {
            r.buffers().give(f.buffer());
        }
        drain();
    }

    private void decodeBlocks(long ioId, int disk, ByteBuffer bytes) {
        BallotBlock[] blocks = new BallotBlock[config.numHosts()];
        for (int h = 1; h <= config.numHosts(); h++) {
            int at = (h - 1) * config.sectorSizeBytes();
            String problem;
            BallotBlock block;
            if (blankSectorCrcs != null
                    && DblockStamp.isStampedBlank(bytes, at, h, config.areaId(), blankSectorCrcs[h])) {
                block = BLANK;
                problem = null;
            } else if (DblockDescriptor.isBlank(bytes, at)) {
                // What decoding would give (Verdict.BLANK, the initial block), without its garbage.
                block = BLANK;
                problem = stampProblem(bytes, at, h);
            } else {
                Decoded<Dblock> decoded = DblockDescriptor.decode(bytes, at);
                block = toBallotBlock(decoded);
                problem = problem(decoded, block, bytes, at, h);
            }
            if (problem != null) {
                core.onReadFailed(ioId, disk, describe(disk, h) + ": " + problem, outbox);
                return;
            }
            blocks[h - 1] = block;
        }
        if (debugging()) {
            debug("read disk " + disk + " io " + ioId + " " + java.util.Arrays.toString(blocks));
        }
        observeModeBlocks(disk, bytes);
        core.onBlocksRead(ioId, disk, blocks, outbox);
    }

    private void decodeOwn(long ioId, int disk, ByteBuffer bytes) {
        Decoded<Dblock> decoded = DblockDescriptor.decode(bytes, 0);
        BallotBlock own = toBallotBlock(decoded);
        String problem = problem(decoded, own, bytes, 0, config.hostId());
        if (problem != null) {
            core.onReadFailed(ioId, disk, describe(disk, config.hostId()) + ": " + problem, outbox);
            return;
        }
        if (debugging()) {
            debug("own read disk " + disk + " io " + ioId + " " + own);
        }
        core.onOwnBlockRead(ioId, disk, own, outbox);
    }

    /** Records the other hosts' SHARED mode blocks of a ballot read of {@code disk} whose blocks all decoded. */
    private void observeModeBlocks(int disk, ByteBuffer bytes) {
        List<SharedBlockSeen> seen = null;
        int sector = config.sectorSizeBytes();
        for (int h = 1; h <= config.numHosts(); h++) {
            int at = (h - 1) * sector;
            if (h == config.hostId() || !ModeBlockDescriptor.isShared(bytes, at + AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR)) {
                continue;
            }
            byte[] copy = new byte[sector];
            bytes.get(at, copy);
            long generation = ModeBlockDescriptor.decode(ByteBuffer.wrap(copy), AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR)
                    .value().generation();
            if (seen == null) {
                seen = new ArrayList<>();
            }
            seen.add(new SharedBlockSeen(disk, h, generation, copy));
        }
        sharedSeen.set(disk, seen == null ? List.of() : List.copyOf(seen));
    }

    /**
     * Why the sector at {@code at}, read as host {@code hostId}'s, cannot be trusted; null if it can.
     * {@code decoded} is its dblock and {@code block} that as the core's block ({@link #toBallotBlock}).
     */
    private String problem(Decoded<Dblock> decoded, BallotBlock block, ByteBuffer bytes, int at, long hostId) {
        if (block == null) {
            return decoded.verdict().acceptedAsDblock() ? "fields break the dblock invariants (bal > mbal)"
                    : decoded.reason();
        }
        return stampProblem(bytes, at, hostId);
    }

    /** Why the stamp of the sector at {@code at} does not name host {@code hostId} of this area; null if it does. */
    private String stampProblem(ByteBuffer bytes, int at, long hostId) {
        return switch (DblockStamp.check(bytes, at, hostId, config.areaId())) {
            case MATCHES -> null;
            case ABSENT -> config.requireStamps() ? "the block has no identification stamp, but the area was "
                    + "formatted with stamps (misdirected read, or an area not formatted by dplock)" : null;
            case CORRUPT -> "the identification stamp is corrupt";
            case WRONG_HOST -> "the block found here belongs to another host (misdirected write or read)";
            case WRONG_AREA -> "the block found here belongs to another lease area (misdirected write or read)";
        };
    }

    /**
     * A decoded sector as the core's block, or null when it cannot be trusted (bad checksum, or fields that break
     * the dblock invariants). A block with a value but no ballot ({@code bal == 0}, {@code inp != 0}), which sanlock
     * also skips, keeps its {@code mbal} and loses the value: it carries no phase-2 write.
     */
    static BallotBlock toBallotBlock(Decoded<Dblock> decoded) {
        if (!decoded.verdict().acceptedAsDblock()) {
            return null;
        }
        Dblock d = decoded.value() == null ? Dblock.ZERO : decoded.value();
        if (d.mbal() < 0 || d.bal() < 0 || d.lver() < 0 || d.bal() > d.mbal()) {
            return null;
        }
        if (d.bal() == 0 || d.inp() == 0) {
            return BallotBlock.initial(d.lver()).withMbal(d.mbal());
        }
        return new BallotBlock(d.mbal(), d.bal(), new Inp(d.inp(), d.inp2(), d.inp3()), d.lver());
    }

    private String describe(int disk, long hostId) {
        Replica r = replicas.get(disk);
        return "disk " + r.device().name() + " offset "
                + (r.areaOffsetBytes() + (hostId + 1) * config.sectorSizeBytes()) + " (host " + hostId + "'s dblock)";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Results

    private void finished(BallotResult result) {
        if (result instanceof BallotResult.Recovered) {
            startPhase();
            return;
        }
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
        Pending kind = pending;
        pending = Pending.NONE;
        int maxHosts = config.maxHosts();
        if (kind == Pending.READ) {
            Callback<ReadOutcome<Inp>> cb = readCallback;
            readCallback = null;
            ReadOutcome<Inp> outcome;
            if (result instanceof BallotResult.ReadDone rd) {
                outcome = new ReadValue<>(Rank.ofBallot(rd.bal(), maxHosts), rd.inp().isNone() ? null : rd.inp());
            } else if (result instanceof BallotResult.Preempted p) {
                outcome = new Preempted<>(Rank.ofBallot(p.highestMbalSeen(), maxHosts));
            } else if (result instanceof BallotResult.Superseded s) {
                outcome = new Superseded<>(s.lverSeen());
            } else {
                outcome = new ReadUnavailable<>(((BallotResult.Unavailable) result).reason());
            }
            cb.done(outcome);
        } else if (kind == Pending.WRITE) {
            Callback<Outcome> cb = writeCallback;
            writeCallback = null;
            Outcome outcome;
            if (result instanceof BallotResult.Committed) {
                outcome = new Outcome.Committed();
            } else if (result instanceof BallotResult.Preempted p) {
                outcome = new Outcome.Aborted(Rank.ofBallot(p.highestMbalSeen(), maxHosts));
            } else if (result instanceof BallotResult.Superseded s) {
                outcome = new Outcome.Superseded(s.lverSeen());
            } else {
                outcome = new Outcome.Unavailable(((BallotResult.Unavailable) result).reason());
            }
            cb.done(outcome);
        }
    }
}
