package org.diskpaxos.paxos.ondisk;

/**
 * sanlock's {@code struct rindex_entry}: one slot of a resource index.
 *
 * @param resourceOffsetBytes where the resource's lease area lives on the disk; 0 = free slot
 * @param flags none defined
 * @param unused written as 0
 * @param name the resource name
 */
public record RindexEntry(long resourceOffsetBytes, int flags, int unused, String name) {
    public static RindexEntry of(String name, long resourceOffsetBytes) {
        OnDiskName.requireValid(name, "resource name");
        return new RindexEntry(resourceOffsetBytes, 0, 0, name);
    }
}
