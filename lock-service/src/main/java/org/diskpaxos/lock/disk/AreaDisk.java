package org.diskpaxos.lock.disk;

import java.util.Objects;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;

/**
 * Where a lockspace or resource area is on one disk.
 *
 * @param device         the disk, delivering results on the lockspace's event loop
 * @param areaOffsetBytes where the area starts
 * @param syncAfterWrite whether writes need a sync to be durable (not for O_DSYNC direct I/O)
 */
public record AreaDisk(AsyncBlockDevice device, long areaOffsetBytes, boolean syncAfterWrite) {
    public AreaDisk {
        Objects.requireNonNull(device, "device");
        if (areaOffsetBytes < 0) {
            throw new IllegalArgumentException(device.name() + ": negative area offset " + areaOffsetBytes);
        }
    }

    /** The disk and offset of a byte in the area, for messages. */
    public String where(long offsetInAreaBytes) {
        return "disk " + device.name() + " offset " + (areaOffsetBytes + offsetInAreaBytes);
    }
}
