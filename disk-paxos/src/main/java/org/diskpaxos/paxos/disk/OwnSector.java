package org.diskpaxos.paxos.disk;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.core.BallotBlock;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.Dblock;
import org.diskpaxos.paxos.ondisk.DblockDescriptor;
import org.diskpaxos.paxos.ondisk.DblockStamp;
import org.diskpaxos.paxos.ondisk.ModeBlock;

/**
 * This host's sector of one resource area outside ballots: rewriting it with the dblock values of the newest block
 * this process wrote (never changed here) but a new {@code DBLOCK_FL_RELEASED} flag and mode block — sanlock's
 * {@code write_mblock_shared_dblock_release} and {@code write_mblock_zero_dblock_release} (sanlock.md §2.2, §2.5).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Writes go through the replica's {@link SectorWriteGate}, the one the ballots use, so this process never has
 *       two writes in flight to its sector and they land in the order issued.</li>
 *   <li>No write is issued while a ballot of this process runs on the area (the values would be stale), and a
 *       write is made only from a known newest block (after a ballot of this incarnation).</li>
 *   <li>Only disks whose area validated in the last leader read are written.</li>
 *   <li>A write that reached a majority but not every disk is repeated on the others every {@code ioTimeout}, at
 *       most {@link #REPAIRS_MAX} times, until a newer write of the sector (a ballot, or another rewrite) replaces
 *       it: a released shared hold must not stay visible on a minority of disks, where an exclusive acquirer would
 *       keep seeing it.</li>
 *   <li>A write that adds or removes a {@code SHARED} mode block counts only the disks that hold it when read back;
 *       a write that only sets the RELEASED flag is not read back (nothing waits for its count).</li>
 *   <li>A write scheduled for later ({@link #writeLater}) is dropped by any write of the sector issued before it,
 *       a ballot's included.</li>
 * </ul>
 */
final class OwnSector {

    /** Rounds of rewriting a sector on disks that missed it. */
    static final int REPAIRS_MAX = 8;

    private final DiskPaxosResource resource;
    private final EventLoop loop;
    private final AreaSectors sectors;
    private final int sectorSizeBytes;
    private final long offsetInAreaBytes;
    private final List<DiskRankedRegister.Replica> replicas;
    private final int hostId;
    private final long areaId;
    private final long ioTimeoutNs;

    private ModeBlock modeBlock = ModeBlock.NONE;
    private boolean released;
    /** Bumped by every write of the sector (ballot or rewrite): a repair of an older content stops. */
    private long version;
    private EventLoop.Scheduled repairTimer;
    /** The write {@link #writeLater} scheduled and not yet issued; null if none. */
    private EventLoop.Scheduled laterWrite;

    OwnSector(DiskPaxosResource resource, EventLoop loop, AreaSectors sectors, List<DiskRankedRegister.Replica> replicas,
              AreaGeometry geometry, int hostId, long areaId, long ioTimeoutNs) {
        this.resource = resource;
        this.loop = loop;
        this.sectors = sectors;
        this.replicas = replicas;
        this.sectorSizeBytes = geometry.sectorSizeBytes();
        this.offsetInAreaBytes = geometry.resourceDblockOffsetBytes(hostId);
        this.hostId = hostId;
        this.areaId = areaId;
        this.ioTimeoutNs = ioTimeoutNs;
    }

    ModeBlock modeBlock() {
        return modeBlock;
    }

    boolean released() {
        return released;
    }

    /**
     * A ballot is about to write the sector: RELEASED cleared, the mode block kept; repairs of older content stop, and
     * so does a write {@link #writeLater} scheduled (the ballot's block is of a later instance, which tells readers as
     * much as a RELEASED flag on the earlier one: see {@code AreaRecords.HostSectorRead#disksReleased}).
     */
    void ballotStarted() {
        version++;
        released = false;
        cancelRepair();
        cancelLaterWrite();
    }

    /**
     * {@link #write} after {@code delayNs}, if by then no ballot of this process has started on the area, no other
     * write of the sector was issued, and {@code stillWanted} agrees. For a RELEASED flag that only lets others in
     * sooner in rare cases: a process that takes the lease again within the delay writes one block instead of two.
     */
    void writeLater(long lver, boolean releasedFlag, ModeBlock mode, long delayNs, BooleanSupplier stillWanted) {
        cancelLaterWrite();
        laterWrite = loop.schedule(delayNs, () -> {
            laterWrite = null;
            if (stillWanted.getAsBoolean()) {
                write(lver, releasedFlag, mode, failure -> { });
            }
        });
    }

    private void cancelLaterWrite() {
        if (laterWrite != null) {
            laterWrite.cancel();
            laterWrite = null;
        }
    }

    /**
     * Rewrites the sector with the newest block's values — which must be of lease version {@code lver} —,
     * {@code releasedFlag} and {@code mode}; {@code done} gets
     * null once a majority of disks wrote it, else why not. The new content is this process's intent from now on,
     * whatever the outcome (later ballots carry the mode block).
     */
    void write(long lver, boolean releasedFlag, ModeBlock mode, RankedRegister.Callback<String> done) {
        BallotBlock newest = resource.newestOwnBlock();
        if (newest == null) {
            done.done("host " + hostId + " has written no block to this area in this incarnation");
            return;
        }
        if (newest.lver() != lver) {
            // The flag speaks of one lease version; this host's block is of another (a later ballot ran).
            done.done("host " + hostId + "'s newest block is of lease version " + newest.lver() + ", not " + lver);
            return;
        }
        if (resource.ballotRunning()) {
            done.done("a ballot of host " + hostId + " is running on this area");
            return;
        }
        version++;
        cancelRepair();
        cancelLaterWrite();
        // A shared hold appearing or ending must be on a majority for real (see the read-back below); a RELEASED flag
        // alone only lets others in sooner, and nothing here depends on how many disks it reached.
        boolean verify = mode.isShared() || modeBlock.isShared();
        released = releasedFlag;
        modeBlock = mode;
        long myVersion = version;
        byte[] sector = encode(newest);
        boolean[] writable = resource.writable();
        byte[][] perDisk = new byte[replicas.size()][];
        String[] skipped = new String[replicas.size()];
        for (int d = 0; d < perDisk.length; d++) {
            if (writable == null || writable[d]) {
                perDisk[d] = sector;
            } else {
                skipped[d] = sectors.where(d, offsetInAreaBytes) + ": not written (its area did not validate)";
            }
        }
        sectors.writeAll(offsetInAreaBytes, perDisk, skipped, gates(), written -> {
            if (written.succeeded() < perDisk.length && myVersion == version) {
                scheduleRepair(myVersion, written.ok(), 1);
            }
            if (written.succeeded() < sectors.majority()) {
                done.done("host " + hostId + "'s sector reached only " + written.succeeded() + " of " + perDisk.length
                        + " disks (" + String.join("; ", written.failures()) + ")");
                return;
            }
            if (!verify) {
                done.done(null);
                return;
            }
            // Count only disks that hold it when read back: a disk may acknowledge a misdirected write, and a SHARED
            // mode block counted on such a disk is missing from a majority — an exclusive acquirer reading the other
            // majority then grants beside a shared holder (lease simulation seed 3318).
            sectors.readBack(offsetInAreaBytes, sector, written.ok(), holds -> {
                int verified = 0;
                for (boolean h : holds) {
                    verified += h ? 1 : 0;
                }
                done.done(verified >= sectors.majority() ? null : "host " + hostId + "'s sector reads back on only "
                        + verified + " of " + perDisk.length + " disks");
            });
        });
    }

    private byte[] encode(BallotBlock b) {
        Dblock dblock = new Dblock(b.mbal(), b.bal(), b.inp().inp(), b.inp().inp2(), b.inp().inp3(), b.lver(),
                released ? DblockDescriptor.DBLOCK_FL_RELEASED : 0);
        byte[] sector = DblockDescriptor.encodeSector(dblock, modeBlock, sectorSizeBytes);
        DblockStamp.stamp(ByteBuffer.wrap(sector), 0, hostId, areaId);
        return sector;
    }

    private SectorWriteGate[] gates() {
        SectorWriteGate[] gates = new SectorWriteGate[replicas.size()];
        for (int d = 0; d < gates.length; d++) {
            gates[d] = replicas.get(d).writeGate();
        }
        return gates;
    }

    /** Repeats the write of content {@code forVersion} on the disks that have not written it. */
    private void scheduleRepair(long forVersion, boolean[] done, int round) {
        if (round > REPAIRS_MAX) {
            return;
        }
        boolean[] have = done.clone();
        repairTimer = loop.schedule(ioTimeoutNs, () -> {
            repairTimer = null;
            if (forVersion != version) {
                return;
            }
            // Refresh which disks validate: one that failed may be back (or may turn out not to be this area).
            resource.readLeader(read -> {
                if (forVersion != version || resource.ballotRunning() || resource.newestOwnBlock() == null
                        || !(read instanceof DiskPaxosResource.LeaderRead.Leader)) {
                    if (forVersion == version && !(read instanceof DiskPaxosResource.LeaderRead.WrongArea)) {
                        scheduleRepair(forVersion, have, round + 1);
                    }
                    return;
                }
                byte[] sector = encode(resource.newestOwnBlock());
                boolean[] writable = resource.writable();
                byte[][] perDisk = new byte[have.length][];
                boolean any = false;
                for (int d = 0; d < have.length; d++) {
                    if (!have[d] && writable != null && writable[d]) {
                        perDisk[d] = sector;
                        any = true;
                    }
                }
                if (!any) {
                    scheduleRepair(forVersion, have, round + 1);
                    return;
                }
                sectors.writeAll(offsetInAreaBytes, perDisk, null, gates(), true, written -> {
                    boolean all = true;
                    for (int d = 0; d < have.length; d++) {
                        have[d] |= written.ok()[d];
                        all &= have[d];
                    }
                    if (!all && forVersion == version) {
                        scheduleRepair(forVersion, have, round + 1);
                    }
                });
            });
        });
    }

    private void cancelRepair() {
        if (repairTimer != null) {
            repairTimer.cancel();
            repairTimer = null;
        }
    }
}
