package org.diskpaxos.activedisk.format;

/**
 * What {@code dplock agent --init} writes: every record's generation-0 form in copy 0 (free resource headers,
 * empty instance slots, zero CAS blocks) and zeros in copy 1; then, after a sync, the superblock. A device whose
 * initialisation was interrupted has no superblock, so it is not an agent device and may be initialised again.
 */
public final class AgentFormat {
    private AgentFormat() {
    }

    /** What a sector is, from its index. */
    public enum Role { SUPERBLOCK, RESOURCE_HEADER, INSTANCE, CAS_BLOCK }

    /**
     * Where sector {@code index} belongs: its role, resource slot (or CAS block), instance slot and copy.
     * {@code slot} is the CAS block number for {@link Role#CAS_BLOCK}; {@code instanceSlot} is -1 unless
     * {@link Role#INSTANCE}.
     */
    public record Location(Role role, int slot, int instanceSlot, int copy) {
    }

    public static Location locate(AgentGeometry g, long index) {
        if (index < 0 || index >= g.sectorCount()) {
            throw new IllegalArgumentException("sector " + index + " outside [0, " + g.sectorCount() + ")");
        }
        if (index == 0) {
            return new Location(Role.SUPERBLOCK, 0, -1, 0);
        }
        long rel = index - 1;
        long resourceSectors = (long) g.resourcesMax() * g.sectorsPerResource();
        if (rel < resourceSectors) {
            int slot = (int) (rel / g.sectorsPerResource());
            int off = (int) (rel % g.sectorsPerResource());
            if (off < 2) {
                return new Location(Role.RESOURCE_HEADER, slot, -1, off);
            }
            return new Location(Role.INSTANCE, slot, (off - 2) / 2, (off - 2) % 2);
        }
        long casRel = rel - resourceSectors;
        return new Location(Role.CAS_BLOCK, (int) (casRel / 2), -1, (int) (casRel % 2));
    }

    /** The content {@code --init} gives sector {@code index} (the superblock for 0: write it last). */
    public static byte[] initialSector(Superblock superblock, long index) {
        AgentGeometry g = superblock.geometry();
        Location at = locate(g, index);
        int size = g.sectorSizeBytes();
        if (at.role() == Role.SUPERBLOCK) {
            return superblock.encode();
        }
        if (at.copy() == 1) {
            return new byte[size];
        }
        return switch (at.role()) {
            case RESOURCE_HEADER -> ResourceRecord.free().encode(size, index);
            case INSTANCE -> InstanceRecord.empty().encode(size, index);
            case CAS_BLOCK -> new CasRecord(0, at.slot(), new byte[org.diskpaxos.activedisk.AgentLimits.CAS_BLOCK_BYTES])
                    .encode(size, index);
            default -> throw new IllegalStateException("unreachable");
        };
    }
}
