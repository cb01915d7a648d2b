package org.diskpaxos.paxos.ondisk;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A resource's lock value block as stored by dplock ({@link LvbDescriptor}): a small opaque value that an exclusive
 * holder leaves for the next holder, written when it releases the lease (sanlock.md §2.6). Immutable: the value is
 * copied in and out.
 *
 * @param areaId the resource area it belongs to ({@link DblockStamp#areaId}), so that a block read from the wrong
 *               place is recognised
 * @param lver   the lease version of the exclusive holder that wrote it; with several disks the copy with the highest
 *               {@code lver} is the newest
 * @param value  the user's bytes, at most {@link LvbDescriptor#capacityBytes(int)}
 */
public record Lvb(long areaId, long lver, byte[] value) {

    public Lvb {
        if (lver < 0) {
            throw new IllegalArgumentException("negative lver " + lver);
        }
        value = value.clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Lvb o && o.areaId == areaId && o.lver == lver && Arrays.equals(o.value, value);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(areaId) * 31 + Long.hashCode(lver) * 17 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(value, 0, Math.min(value.length, 16));
        return "lvb{lver " + lver + ", " + value.length + " bytes " + hex + (value.length > 16 ? "..." : "") + "}";
    }
}
