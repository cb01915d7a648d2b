package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentLimits;

/**
 * Sector 0 of an agent device: who the agent is and how its device is laid out. Written once, by
 * {@code dplock agent --init}; never rewritten.
 *
 * <pre>
 *  offset  field            type       notes
 *       0 +----------------+----------+-------------------------------------------
 *         | header         | 24 bytes | {@link SectorHeader}, kind 1, generation 1
 *      24 | agent id high  | u64      | random at init: identifies this agent
 *      32 | agent id low   | u64      |   incarnation of the device
 *      40 | sector size    | u32      | 512 or 4096
 *      44 | resources max  | u32      |
 *      48 | window         | u32      | K instances per resource
 *      52 | CAS blocks     | u32      |
 *      56 | value max      | u32      | {@value AgentLimits#VALUE_BYTES_MAX}
 *      60 | CAS block size | u32      | {@value AgentLimits#CAS_BLOCK_BYTES}
 *      64 | name length    | u16      | 0..64
 *      66 | name           | u8[64]   | UTF-8, zero-padded
 *     130 +----------------+----------+  LENGTH
 * </pre>
 */
public record Superblock(long agentIdHigh, long agentIdLow, String name, AgentGeometry geometry) {
    public static final int ID_HIGH_OFFSET = SectorHeader.LENGTH;
    public static final int ID_LOW_OFFSET = ID_HIGH_OFFSET + 8;
    public static final int SECTOR_SIZE_OFFSET = ID_LOW_OFFSET + 8;
    public static final int RESOURCES_OFFSET = SECTOR_SIZE_OFFSET + 4;
    public static final int WINDOW_OFFSET = RESOURCES_OFFSET + 4;
    public static final int CAS_BLOCKS_OFFSET = WINDOW_OFFSET + 4;
    public static final int VALUE_MAX_OFFSET = CAS_BLOCKS_OFFSET + 4;
    public static final int CAS_BLOCK_BYTES_OFFSET = VALUE_MAX_OFFSET + 4;
    public static final int NAME_LENGTH_OFFSET = CAS_BLOCK_BYTES_OFFSET + 4;
    public static final int NAME_OFFSET = NAME_LENGTH_OFFSET + 2;
    public static final int LENGTH = NAME_OFFSET + AgentLimits.AGENT_NAME_BYTES_MAX;

    public Superblock {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(geometry, "geometry");
        if (Fields.utf8(name).length > AgentLimits.AGENT_NAME_BYTES_MAX) {
            throw new IllegalArgumentException("agent name '" + name + "' is over "
                    + AgentLimits.AGENT_NAME_BYTES_MAX + " bytes");
        }
    }

    public byte[] encode() {
        byte[] s = new byte[geometry.sectorSizeBytes()];
        ByteBuffer b = Fields.le(s);
        b.putLong(ID_HIGH_OFFSET, agentIdHigh);
        b.putLong(ID_LOW_OFFSET, agentIdLow);
        b.putInt(SECTOR_SIZE_OFFSET, geometry.sectorSizeBytes());
        b.putInt(RESOURCES_OFFSET, geometry.resourcesMax());
        b.putInt(WINDOW_OFFSET, geometry.windowInstances());
        b.putInt(CAS_BLOCKS_OFFSET, geometry.casBlocks());
        b.putInt(VALUE_MAX_OFFSET, AgentLimits.VALUE_BYTES_MAX);
        b.putInt(CAS_BLOCK_BYTES_OFFSET, AgentLimits.CAS_BLOCK_BYTES);
        byte[] n = Fields.utf8(name);
        b.putShort(NAME_LENGTH_OFFSET, (short) n.length);
        b.put(NAME_OFFSET, n);
        SectorHeader.seal(s, SectorHeader.KIND_SUPERBLOCK, 0, 1);
        return s;
    }

    /** Decodes sector 0 (of whatever length was read: at least 512 bytes). */
    public static Decoded<Superblock> decode(byte[] sector) {
        if (sector.length < 512) {
            return Decoded.not(Verdict.BAD_FIELD, "superblock read of " + sector.length + " bytes");
        }
        Decoded<Superblock> bad = SectorHeader.check(sector, SectorHeader.KIND_SUPERBLOCK, 0);
        if (bad != null) {
            return bad;
        }
        ByteBuffer b = Fields.le(sector);
        int sectorSize = b.getInt(SECTOR_SIZE_OFFSET);
        if (sectorSize != sector.length) {
            return Decoded.not(Verdict.BAD_FIELD, "superblock says sector size " + sectorSize + " but "
                    + sector.length + " bytes were checked");
        }
        if (b.getInt(VALUE_MAX_OFFSET) != AgentLimits.VALUE_BYTES_MAX
                || b.getInt(CAS_BLOCK_BYTES_OFFSET) != AgentLimits.CAS_BLOCK_BYTES) {
            return Decoded.not(Verdict.BAD_FIELD, "value or CAS block size differs from this format's");
        }
        int nameLength = Short.toUnsignedInt(b.getShort(NAME_LENGTH_OFFSET));
        if (nameLength > AgentLimits.AGENT_NAME_BYTES_MAX) {
            return Decoded.not(Verdict.BAD_FIELD, "agent name length " + nameLength);
        }
        String name = Fields.decodeUtf8(sector, NAME_OFFSET, nameLength);
        if (name == null) {
            return Decoded.not(Verdict.BAD_FIELD, "agent name is not UTF-8");
        }
        AgentGeometry geometry;
        try {
            geometry = new AgentGeometry(sectorSize, b.getInt(RESOURCES_OFFSET), b.getInt(WINDOW_OFFSET),
                    b.getInt(CAS_BLOCKS_OFFSET));
        } catch (IllegalArgumentException e) {
            return Decoded.not(Verdict.BAD_FIELD, e.getMessage());
        }
        return Decoded.valid(new Superblock(b.getLong(ID_HIGH_OFFSET), b.getLong(ID_LOW_OFFSET), name, geometry));
    }

    /** The agent id as 32 hex digits. */
    public String idHex() {
        return String.format("%016x%016x", agentIdHigh, agentIdLow);
    }
}
