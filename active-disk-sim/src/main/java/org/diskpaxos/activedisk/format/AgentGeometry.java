package org.diskpaxos.activedisk.format;

import org.diskpaxos.activedisk.AgentLimits;

/**
 * Where everything is on an agent device, in sectors; see the package documentation for the picture.
 *
 * @param sectorSizeBytes  512 or 4096: the unit of atomic writes
 * @param resourcesMax     resource slots: how many distinct resource names the agent can hold
 * @param windowInstances  K: instances kept per resource (the newest K); older ones are compacted
 * @param casBlocks        blocks of the compare-and-write area
 */
public record AgentGeometry(int sectorSizeBytes, int resourcesMax, int windowInstances, int casBlocks) {
    public static final int RESOURCES_MAX = 65_536;
    public static final int CAS_BLOCKS_MAX = 65_536;
    /** Limit on resources x window: bounds the agent's memory (a few hundred bytes per instance slot). */
    public static final long INSTANCE_SLOTS_MAX = 1L << 19;

    public AgentGeometry {
        if (sectorSizeBytes != 512 && sectorSizeBytes != 4096) {
            throw new IllegalArgumentException("sector size must be 512 or 4096 bytes, got " + sectorSizeBytes);
        }
        if (resourcesMax < 1 || resourcesMax > RESOURCES_MAX) {
            throw new IllegalArgumentException("resources must be 1 to " + RESOURCES_MAX + ", got " + resourcesMax);
        }
        if (windowInstances < 1 || windowInstances > AgentLimits.WINDOW_INSTANCES_MAX) {
            throw new IllegalArgumentException("window must be 1 to " + AgentLimits.WINDOW_INSTANCES_MAX
                    + " instances, got " + windowInstances);
        }
        if ((long) resourcesMax * windowInstances > INSTANCE_SLOTS_MAX) {
            throw new IllegalArgumentException("resources x window = " + (long) resourcesMax * windowInstances
                    + " exceeds the limit of " + INSTANCE_SLOTS_MAX + "; lower --resources or --window");
        }
        if (casBlocks < 0 || casBlocks > CAS_BLOCKS_MAX) {
            throw new IllegalArgumentException("CAS blocks must be 0 to " + CAS_BLOCKS_MAX + ", got " + casBlocks);
        }
    }

    /** Sectors per resource slot: two header copies and two copies of each of K instance slots. */
    public int sectorsPerResource() {
        return 2 * (1 + windowInstances);
    }

    public long sectorCount() {
        return 1 + (long) resourcesMax * sectorsPerResource() + 2L * casBlocks;
    }

    public long sizeBytes() {
        return sectorCount() * sectorSizeBytes;
    }

    public long superblockSector() {
        return 0;
    }

    public long resourceHeaderSector(int slot, int copy) {
        checkSlot(slot);
        return 1 + (long) slot * sectorsPerResource() + checkCopy(copy);
    }

    public long instanceSector(int slot, int instanceSlot, int copy) {
        checkSlot(slot);
        if (instanceSlot < 0 || instanceSlot >= windowInstances) {
            throw new IllegalArgumentException("instance slot " + instanceSlot + " outside [0, " + windowInstances
                    + ")");
        }
        return 1 + (long) slot * sectorsPerResource() + 2 + 2L * instanceSlot + checkCopy(copy);
    }

    public long casSector(int block, int copy) {
        if (block < 0 || block >= casBlocks) {
            throw new IllegalArgumentException("CAS block " + block + " outside [0, " + casBlocks + ")");
        }
        return 1 + (long) resourcesMax * sectorsPerResource() + 2L * block + checkCopy(copy);
    }

    /** The instance slot that holds {@code instance}. */
    public int instanceSlotOf(long instance) {
        return (int) Long.remainderUnsigned(instance, windowInstances);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= resourcesMax) {
            throw new IllegalArgumentException("resource slot " + slot + " outside [0, " + resourcesMax + ")");
        }
    }

    private static int checkCopy(int copy) {
        if (copy != 0 && copy != 1) {
            throw new IllegalArgumentException("copy must be 0 or 1, got " + copy);
        }
        return copy;
    }
}
