package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Renders decoded records as one line each, fields in words, for {@code dplock dump} and for logs. An area dump
 * identifies the area by its first record (lockspace, resource, cleared resource, resource index, blank or unknown)
 * and uses the geometry that record states, so it needs no configuration. Never throws on bad media.
 */
public final class RecordRenderer {
    private RecordRenderer() {
    }

    /** One delta lease: "offset 1024 host 3 held by 'uuid.host' generation 1 timestamp 456 io_timeout 1s". */
    public static String deltaLease(long offsetBytes, long hostId, Decoded<DeltaLease> decoded) {
        String prefix = "offset " + offsetBytes + " host " + hostId + " ";
        if (decoded.verdict() == Verdict.TRUNCATED) {
            return prefix + "TRUNCATED: " + decoded.reason();
        }
        LeaderRecord l = decoded.value().leader();
        StringBuilder line = new StringBuilder(prefix);
        if (decoded.verdict() != Verdict.VALID) {
            line.append(decoded.verdict()).append(" (").append(decoded.reason()).append(") ");
        }
        if (l.isFree()) {
            line.append("free");
            if (l.ownerGeneration() != 0) {
                line.append(", last held by '").append(OnDiskName.printable(l.resourceName()))
                        .append("' generation ").append(l.ownerGeneration());
            }
        } else {
            line.append("held by '").append(OnDiskName.printable(l.resourceName())).append("' generation ")
                    .append(l.ownerGeneration()).append(" timestamp ").append(l.timestamp());
        }
        line.append(" io_timeout ").append(l.ioTimeoutSeconds()).append('s');
        if (!decoded.value().bitmap().isEmpty()) {
            line.append(" signalling hosts ").append(decoded.value().bitmap().hostIds());
        }
        return line.toString();
    }

    /** A resource leader: owner, lver, timestamp, free/held, who wrote it. */
    public static String paxosLeader(long offsetBytes, Decoded<LeaderRecord> decoded) {
        String prefix = "offset " + offsetBytes + " leader ";
        if (decoded.verdict() == Verdict.TRUNCATED) {
            return prefix + "TRUNCATED: " + decoded.reason();
        }
        LeaderRecord l = decoded.value();
        StringBuilder line = new StringBuilder(prefix);
        if (decoded.verdict() != Verdict.VALID) {
            line.append(decoded.verdict()).append(" (").append(decoded.reason()).append(") ");
        }
        line.append("resource '").append(OnDiskName.printable(l.spaceName())).append(':')
                .append(OnDiskName.printable(l.resourceName())).append("' lver ").append(l.lver());
        if (l.isFree()) {
            line.append(" free");
            if (l.ownerId() != 0) {
                line.append(" (last owner host ").append(l.ownerId()).append(" generation ")
                        .append(l.ownerGeneration()).append(')');
            }
        } else {
            line.append(" held by host ").append(l.ownerId()).append(" generation ").append(l.ownerGeneration())
                    .append(" timestamp ").append(l.timestamp());
        }
        if (l.hasShortHold()) {
            line.append(" short-hold");
        }
        line.append(", num_hosts ").append(l.numHosts()).append(" max_hosts ").append(l.maxHosts());
        if (l.writeId() != 0) {
            line.append(", written by host ").append(l.writeId()).append(" generation ").append(l.writeGeneration())
                    .append(" at ").append(l.writeTimestamp());
        }
        return line.toString();
    }

    /** A host's dblock and mode block in a resource area. */
    public static String dblock(long offsetBytes, long hostId, Decoded<Dblock> decoded, Decoded<ModeBlock> mode) {
        String prefix = "offset " + offsetBytes + " host " + hostId + " dblock ";
        if (decoded.verdict() == Verdict.TRUNCATED) {
            return prefix + "TRUNCATED: " + decoded.reason();
        }
        Dblock d = decoded.value();
        StringBuilder line = new StringBuilder(prefix);
        if (!decoded.verdict().acceptedAsDblock()) {
            line.append(decoded.verdict()).append(" (").append(decoded.reason()).append(") ");
        }
        line.append("lver ").append(d.lver()).append(" mbal ").append(d.mbal()).append(" bal ").append(d.bal());
        if (d.inp() == 0) {
            line.append(" no input");
        } else {
            line.append(" inp host ").append(d.inp()).append(" generation ").append(d.inp2()).append(" timestamp ")
                    .append(d.inp3());
        }
        if (d.isReleased()) {
            line.append(" released");
        }
        if (mode != null && mode.value() != null && mode.value().isShared()) {
            line.append(" shared generation ").append(mode.value().generation());
        }
        return line.toString();
    }

    /** Every record of an area, identified by its first record; one line per record in use. */
    public static List<String> area(ByteBuffer area, long areaOffsetBytes) {
        List<String> lines = new ArrayList<>();
        if (!LittleEndian.fits(area, 0, 4)) {
            lines.add("offset " + areaOffsetBytes + " TRUNCATED: empty buffer");
            return lines;
        }
        int magic = LittleEndian.getInt(area, 0);
        if (magic == RindexDescriptor.RINDEX_DISK_MAGIC) {
            rindexArea(area, areaOffsetBytes, lines);
            return lines;
        }
        Decoded<LeaderRecord> first = LeaderRecordDescriptor.decode(area, 0);
        if (first.verdict() == Verdict.TRUNCATED || first.verdict() == Verdict.BLANK) {
            lines.add("offset " + areaOffsetBytes + " " + first.verdict() + " " + first.reason());
            return lines;
        }
        LeaderRecord leader = first.value();
        Optional<AreaGeometry> geometry = AreaGeometry.fromLeader(leader.sectorSizeBytes(), leader.flags());
        boolean delta = leader.kind() == LeaderRecord.Kind.DELTA || first.verdict() == Verdict.INIT_INCOMPLETE;
        boolean paxos = leader.kind() == LeaderRecord.Kind.PAXOS || leader.kind() == LeaderRecord.Kind.PAXOS_CLEARED;
        if (geometry.isEmpty() || !(delta || paxos)) {
            lines.add("offset " + areaOffsetBytes + " " + first.verdict() + " (" + first.reason()
                    + ") sector_size " + Integer.toUnsignedString(leader.sectorSizeBytes()) + " flags "
                    + LeaderRecordDescriptor.hex(leader.flags()));
            return lines;
        }
        AreaGeometry g = geometry.get();
        if (delta) {
            lockspaceArea(area, areaOffsetBytes, g, lines);
        } else {
            resourceArea(area, areaOffsetBytes, g, first, lines);
        }
        return lines;
    }

    private static void lockspaceArea(ByteBuffer area, long areaOffsetBytes, AreaGeometry g, List<String> lines) {
        lines.add("offset " + areaOffsetBytes + " lockspace '"
                + OnDiskName.printable(OnDiskName.get(area, LeaderRecordDescriptor.SPACE_NAME_OFFSET)) + "' "
                + g.describe());
        int neverUsed = 0;
        for (int hostId = 1; hostId <= g.maxHosts(); hostId++) {
            int offset = g.lockspaceHostOffsetBytes(hostId);
            Decoded<DeltaLease> decoded = DeltaLeaseDescriptor.decode(area, offset);
            if (decoded.verdict() == Verdict.TRUNCATED) {
                lines.add(deltaLease(areaOffsetBytes + offset, hostId, decoded));
                return;
            }
            LeaderRecord l = decoded.value().leader();
            boolean used = l.ownerId() != 0 || l.ownerGeneration() != 0 || !decoded.value().bitmap().isEmpty();
            if (decoded.verdict() == Verdict.VALID && !used) {
                neverUsed++;
            } else {
                lines.add(deltaLease(areaOffsetBytes + offset, hostId, decoded));
            }
        }
        lines.add(neverUsed + " of " + g.maxHosts() + " host slots never used");
    }

    private static void resourceArea(ByteBuffer area, long areaOffsetBytes, AreaGeometry g,
            Decoded<LeaderRecord> leader, List<String> lines) {
        lines.add(paxosLeader(areaOffsetBytes, leader));
        int requestOffset = g.resourceRequestOffsetBytes();
        Decoded<RequestRecord> request = RequestRecordDescriptor.decode(area, requestOffset);
        if (request.verdict() == Verdict.TRUNCATED) {
            return;
        }
        StringBuilder line = new StringBuilder("offset " + (areaOffsetBytes + requestOffset) + " request ");
        if (request.verdict() != Verdict.VALID) {
            line.append(request.verdict()).append(" (").append(request.reason()).append(") ");
        }
        line.append("lver ").append(request.value().lver()).append(" force_mode ").append(request.value().forceMode());
        lines.add(line.toString());
        long hosts = Math.min(g.maxHosts(), Math.max(1, leader.value().numHosts()));
        for (int hostId = 1; hostId <= hosts; hostId++) {
            int offset = g.resourceDblockOffsetBytes(hostId);
            Decoded<Dblock> dblock = DblockDescriptor.decode(area, offset);
            if (dblock.verdict() == Verdict.TRUNCATED) {
                return;
            }
            Decoded<ModeBlock> mode = ModeBlockDescriptor.decode(area, g.resourceModeBlockOffsetBytes(hostId));
            boolean shared = mode.value() != null && mode.value().isShared();
            if (dblock.verdict() != Verdict.BLANK || shared) {
                lines.add(dblock(areaOffsetBytes + offset, hostId, dblock, mode));
            }
        }
    }

    private static void rindexArea(ByteBuffer area, long areaOffsetBytes, List<String> lines) {
        Decoded<RindexHeader> header = RindexDescriptor.decodeHeader(area, 0);
        if (header.verdict() == Verdict.TRUNCATED) {
            lines.add("offset " + areaOffsetBytes + " rindex TRUNCATED");
            return;
        }
        RindexHeader h = header.value();
        lines.add("offset " + areaOffsetBytes + " resource index of lockspace '"
                + OnDiskName.printable(h.lockspaceName()) + "' sector_size " + h.sectorSizeBytes()
                + " max_resources " + h.maxResources() + " at " + h.rindexOffsetBytes());
        int sector = h.sectorSizeBytes() == 4096 ? 4096 : 512;
        for (int index = 0; index < h.maxResources(); index++) {
            int offset = sector + index * RindexDescriptor.ENTRY_LENGTH;
            Decoded<RindexEntry> entry = RindexDescriptor.decodeEntry(area, offset);
            if (entry.verdict() == Verdict.TRUNCATED) {
                return;
            }
            if (entry.verdict() != Verdict.BLANK) {
                lines.add("offset " + (areaOffsetBytes + offset) + " rindex entry " + index + " resource '"
                        + OnDiskName.printable(entry.value().name()) + "' at " + entry.value().resourceOffsetBytes());
            }
        }
    }
}
