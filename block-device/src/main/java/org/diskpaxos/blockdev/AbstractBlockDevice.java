package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The checks every backend shares, done before any byte moves: the device is open, the offset and length are whole
 * sectors inside the device, the transfer is within {@link BlockDevices#MAX_TRANSFER_BYTES}, and writes are allowed.
 * Backends implement {@link #readChecked} and {@link #writeChecked}, which may assume all of that.
 *
 * <p>Closing waits for no one, but resources are released only after the last running transfer returns
 * ({@link UseGuard}); transfers started after {@link #close()} fail with an IOException naming the device.
 */
public abstract class AbstractBlockDevice implements BlockDevice {
    private final String name;
    private final long sizeBytes;
    private final int logicalSectorSizeBytes;
    private final int physicalSectorSizeBytes;
    private final boolean readOnly;
    private final UseGuard guard = new UseGuard();

    protected AbstractBlockDevice(String name, long sizeBytes, int logicalSectorSizeBytes,
                                  int physicalSectorSizeBytes, boolean readOnly) {
        BlockDevices.checkSectorSize(name, logicalSectorSizeBytes);
        if (physicalSectorSizeBytes < logicalSectorSizeBytes || physicalSectorSizeBytes % logicalSectorSizeBytes != 0) {
            throw new IllegalArgumentException(name + ": physical sector size " + physicalSectorSizeBytes
                    + " must be a multiple of the logical sector size " + logicalSectorSizeBytes);
        }
        if (sizeBytes <= 0 || sizeBytes % logicalSectorSizeBytes != 0) {
            throw new IllegalArgumentException(name + ": size " + sizeBytes + " bytes must be a positive multiple of "
                    + "the " + logicalSectorSizeBytes + "-byte sector size");
        }
        this.name = name;
        this.sizeBytes = sizeBytes;
        this.logicalSectorSizeBytes = logicalSectorSizeBytes;
        this.physicalSectorSizeBytes = physicalSectorSizeBytes;
        this.readOnly = readOnly;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public final int logicalSectorSizeBytes() {
        return logicalSectorSizeBytes;
    }

    @Override
    public final int physicalSectorSizeBytes() {
        return physicalSectorSizeBytes;
    }

    @Override
    public final boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public final void read(long offsetBytes, ByteBuffer dst) throws IOException {
        int length = checkTransfer("read", offsetBytes, dst.remaining());
        enter("read", offsetBytes);
        try {
            if (length > 0) {
                readChecked(offsetBytes, dst, length);
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public final void write(long offsetBytes, ByteBuffer src) throws IOException {
        int length = checkTransfer("write", offsetBytes, src.remaining());
        if (readOnly) {
            throw new IOException(name + ": write of " + length + " bytes at offset " + offsetBytes
                    + " refused: the device is open read-only" + readOnlyReason());
        }
        enter("write", offsetBytes);
        try {
            if (length > 0) {
                writeChecked(offsetBytes, src, length);
            }
        } finally {
            guard.exit();
        }
    }

    @Override
    public final void sync() throws IOException {
        enter("sync", -1);
        try {
            syncChecked();
        } finally {
            guard.exit();
        }
    }

    @Override
    public final void close() throws IOException {
        IOException[] failure = new IOException[1];
        guard.close(() -> {
            try {
                closeResources();
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Whether {@link #close()} was called. */
    public final boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * Reads {@code length} bytes at {@code offsetBytes} into {@code dst} and advances its position by
     * {@code length}. The range is valid, sector-aligned and non-empty.
     */
    protected abstract void readChecked(long offsetBytes, ByteBuffer dst, int length) throws IOException;

    /** Writes {@code length} bytes of {@code src} at {@code offsetBytes}, advancing its position; range is valid. */
    protected abstract void writeChecked(long offsetBytes, ByteBuffer src, int length) throws IOException;

    protected abstract void syncChecked() throws IOException;

    /** Frees what the device holds; called once, after the last transfer in progress returned. */
    protected abstract void closeResources() throws IOException;

    /** Why the device is read-only, appended to the refusal; empty by default. */
    protected String readOnlyReason() {
        return "";
    }

    private void enter(String op, long offsetBytes) throws IOException {
        if (!guard.enter()) {
            throw new IOException(name + ": " + op + (offsetBytes >= 0 ? " at offset " + offsetBytes : "")
                    + " after the device was closed");
        }
    }

    /** Validates a transfer; returns its length. Throws IllegalArgumentException naming the device. */
    private int checkTransfer(String op, long offsetBytes, int lengthBytes) {
        int sector = logicalSectorSizeBytes;
        if (offsetBytes < 0 || offsetBytes % sector != 0) {
            throw new IllegalArgumentException(name + ": " + op + " at offset " + offsetBytes
                    + " is not a multiple of the " + sector + "-byte sector size; align offsets to whole sectors");
        }
        if (lengthBytes % sector != 0) {
            throw new IllegalArgumentException(name + ": " + op + " of " + lengthBytes + " bytes is not a multiple "
                    + "of the " + sector + "-byte sector size" + (lengthBytes < sector
                    ? " (a " + lengthBytes + "-byte I/O on a " + sector + "-byte-sector device)" : "")
                    + "; transfer whole sectors");
        }
        if (lengthBytes > BlockDevices.MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException(name + ": " + op + " of " + lengthBytes + " bytes exceeds the limit of "
                    + BlockDevices.MAX_TRANSFER_BYTES + " bytes per transfer; split it");
        }
        if (offsetBytes > sizeBytes - lengthBytes) {
            throw new IllegalArgumentException(name + ": " + op + " of " + lengthBytes + " bytes at offset "
                    + offsetBytes + " ends at " + (offsetBytes + lengthBytes) + ", past the end of the device ("
                    + sizeBytes + " bytes)");
        }
        return lengthBytes;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + sizeBytes + " bytes, " + logicalSectorSizeBytes
                + "/" + physicalSectorSizeBytes + "-byte sectors" + (readOnly ? ", read-only" : "") + "]";
    }
}
