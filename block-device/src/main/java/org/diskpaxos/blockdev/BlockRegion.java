package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A window of another device: sectors {@code [offsetBytes, offsetBytes + lengthBytes)} of it, addressed from 0. Lets
 * a lockspace live at an offset inside a bigger disk, as sanlock's {@code path:offset}.
 *
 * <p>Invariants: offset and length are whole sectors of the underlying device and the window lies inside it, so no
 * transfer through the region can touch a byte outside the window (the base class checks every transfer against
 * the region's own size before adding the offset).
 */
public final class BlockRegion extends AbstractBlockDevice {
    private final BlockDevice device;
    private final long offsetBytes;
    private final boolean ownsDevice;

    /**
     * A region of {@code device}. When {@code ownsDevice}, closing the region closes the device.
     *
     * @throws IllegalArgumentException offset or length not whole sectors, empty, or reaching past the device's end
     */
    public BlockRegion(BlockDevice device, long offsetBytes, long lengthBytes, boolean ownsDevice) {
        super(device.name() + "@" + offsetBytes, checkWindow(device, offsetBytes, lengthBytes),
                device.logicalSectorSizeBytes(), physicalFor(device, offsetBytes), device.isReadOnly());
        this.device = device;
        this.offsetBytes = offsetBytes;
        this.ownsDevice = ownsDevice;
    }

    private static long checkWindow(BlockDevice device, long offsetBytes, long lengthBytes) {
        int sector = device.logicalSectorSizeBytes();
        if (offsetBytes < 0 || offsetBytes % sector != 0 || lengthBytes <= 0 || lengthBytes % sector != 0) {
            throw new IllegalArgumentException(device.name() + ": region at offset " + offsetBytes + " of length "
                    + lengthBytes + " must be a positive number of whole " + sector + "-byte sectors");
        }
        if (offsetBytes > device.sizeBytes() - lengthBytes) {
            throw new IllegalArgumentException(device.name() + ": region at offset " + offsetBytes + " of length "
                    + lengthBytes + " ends at " + (offsetBytes + lengthBytes) + ", past the end of the device ("
                    + device.sizeBytes() + " bytes)");
        }
        return lengthBytes;
    }

    /** The device's physical sector size if the region starts on a physical sector, else the logical size. */
    private static int physicalFor(BlockDevice device, long offsetBytes) {
        int physical = device.physicalSectorSizeBytes();
        return offsetBytes % physical == 0 ? physical : device.logicalSectorSizeBytes();
    }

    /** Where this region starts on the underlying device. */
    public long offsetBytes() {
        return offsetBytes;
    }

    /** The underlying device. */
    public BlockDevice device() {
        return device;
    }

    @Override
    protected void readChecked(long offset, ByteBuffer dst, int length) throws IOException {
        device.read(offsetBytes + offset, dst);
    }

    @Override
    protected void writeChecked(long offset, ByteBuffer src, int length) throws IOException {
        device.write(offsetBytes + offset, src);
    }

    @Override
    protected void syncChecked() throws IOException {
        device.sync();
    }

    @Override
    protected void closeResources() throws IOException {
        if (ownsDevice) {
            device.close();
        }
    }

    @Override
    public ByteBuffer allocateBuffer(int lengthBytes) {
        return device.allocateBuffer(lengthBytes);
    }

    @Override
    public boolean isShareableAcrossHosts() {
        return device.isShareableAcrossHosts();
    }
}
