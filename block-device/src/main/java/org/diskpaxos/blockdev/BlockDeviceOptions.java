package org.diskpaxos.blockdev;

/**
 * How to open a device: backend, read-only, sector size, optional creation and an optional region.
 *
 * @param backend           direct I/O or memory-mapped
 * @param readOnly          open read-only; writes are refused
 * @param sectorSizeBytes   logical sector size to address the device in: 512 or 4096; 0 = the device's own for block
 *                          devices and 4096 for files. Must be at least what the storage supports for direct I/O.
 * @param createSizeBytes   when &gt; 0 and the path does not exist, create a zero-filled file of this size; when 0
 *                          a missing path is an error
 * @param regionOffsetBytes where the region opened starts on the device
 * @param regionLengthBytes the region's length; 0 = to the end of the device
 */
public record BlockDeviceOptions(Backend backend, boolean readOnly, int sectorSizeBytes, long createSizeBytes,
                                 long regionOffsetBytes, long regionLengthBytes) {

    public BlockDeviceOptions {
        if (backend == null) {
            throw new IllegalArgumentException("backend must be given");
        }
        if (sectorSizeBytes != 0) {
            BlockDevices.checkSectorSize("options", sectorSizeBytes);
        }
        if (createSizeBytes < 0 || createSizeBytes > BlockDevices.MAX_CREATE_SIZE_BYTES) {
            throw new IllegalArgumentException("createSizeBytes must be between 0 and "
                    + BlockDevices.MAX_CREATE_SIZE_BYTES + ", got " + createSizeBytes);
        }
        if (regionOffsetBytes < 0 || regionLengthBytes < 0) {
            throw new IllegalArgumentException("region offset " + regionOffsetBytes + " and length "
                    + regionLengthBytes + " must not be negative");
        }
    }

    /** Direct I/O, read-write, default sector size, no creation, the whole device. */
    public static BlockDeviceOptions direct() {
        return new BlockDeviceOptions(Backend.DIRECT, false, 0, 0, 0, 0);
    }

    /** Memory-mapped, read-write, default sector size, no creation, the whole file. */
    public static BlockDeviceOptions mapped() {
        return new BlockDeviceOptions(Backend.MAPPED, false, 0, 0, 0, 0);
    }

    public BlockDeviceOptions withReadOnly(boolean ro) {
        return new BlockDeviceOptions(backend, ro, sectorSizeBytes, createSizeBytes, regionOffsetBytes,
                regionLengthBytes);
    }

    public BlockDeviceOptions withSectorSize(int bytes) {
        return new BlockDeviceOptions(backend, readOnly, bytes, createSizeBytes, regionOffsetBytes, regionLengthBytes);
    }

    public BlockDeviceOptions withCreateSize(long bytes) {
        return new BlockDeviceOptions(backend, readOnly, sectorSizeBytes, bytes, regionOffsetBytes, regionLengthBytes);
    }

    public BlockDeviceOptions withRegion(long offsetBytes, long lengthBytes) {
        return new BlockDeviceOptions(backend, readOnly, sectorSizeBytes, createSizeBytes, offsetBytes, lengthBytes);
    }

    boolean wholeDevice() {
        return regionOffsetBytes == 0 && regionLengthBytes == 0;
    }
}
