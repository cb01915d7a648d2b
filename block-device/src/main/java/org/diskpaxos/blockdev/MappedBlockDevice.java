package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import org.diskpaxos.nativeio.DirectBuffers;
import org.diskpaxos.nativeio.MappedMemory;

/**
 * A regular file mapped into memory with Chronicle Bytes ({@code MappedBytes.singleMappedBytes}): writes are
 * memory copies visible at once to every process on this host that maps the file; {@link #sync()} makes them
 * durable with {@code msync(MS_SYNC)}. Other hosts never see them in time, so {@link #isShareableAcrossHosts()} is
 * false; use it for processes of one host and for the simulator's backing store.
 *
 * <p>Threads: Chronicle's single-thread ownership check is switched off; transfers use only absolute offsets on the
 * mapping's store, so threads working on distinct sectors share no state.
 *
 * <p>Shrinking: touching a page of a mapping beyond the end of its file kills the JVM with SIGBUS. Before every
 * transfer and sync this class therefore asks the kernel for the file's current size ({@code fstat}) and refuses,
 * with an IOException, once the file is shorter than the mapping. A truncation that races between that check and the
 * copy (a window of a few microseconds) can still fault; nothing in user space can close that window without a
 * SIGBUS handler, which the JVM does not offer. Never truncate a lockspace file that is in use.
 *
 * <p>The file's size must be a multiple of 4096 (a page): Chronicle rounds a mapping up to whole pages and would
 * otherwise grow the file.
 */
final class MappedBlockDevice extends AbstractBlockDevice {
    /** Largest mapped file: 16 GiB; lockspaces are megabytes. */
    static final long MAX_SIZE_BYTES = 16L << 30;

    private final FileChannel channel;
    private final MappedBytes bytes;
    private final MappedBytesStore store;
    private final long mappingAddress;

    private MappedBlockDevice(String name, FileChannel channel, MappedBytes bytes, long sizeBytes, int sector,
                              boolean readOnly) {
        super(name, sizeBytes, sector, sector, readOnly);
        this.channel = channel;
        this.bytes = bytes;
        this.store = (MappedBytesStore) bytes.bytesStore();
        this.store.singleThreadedCheckDisabled(true);
        this.mappingAddress = store.addressForRead(0);
    }

    static MappedBlockDevice open(Path path, BlockDeviceOptions options) throws IOException {
        StorageInfo info = BlockDevices.storageInfo(path);
        if (!info.regularFile()) {
            throw new IOException(path + ": the mapped backend works on regular files only; use the direct "
                    + "backend for block devices");
        }
        int sector = options.sectorSizeBytes() == 0 ? DirectBlockDevice.DEFAULT_FILE_SECTOR_BYTES
                : options.sectorSizeBytes();
        FileChannel channel = BlockDevices.openChannel(path, options.readOnly());
        try {
            long size = channel.size();
            if (size <= 0 || size % MappedMemory.PAGE_SIZE_BYTES != 0 || size % sector != 0) {
                throw new IOException(path + ": the file is " + size + " bytes; the mapped backend needs a positive "
                        + "multiple of 4096 bytes (a page); resize it (truncate -s)");
            }
            if (size > MAX_SIZE_BYTES) {
                throw new IOException(path + ": the file is " + size + " bytes, over the mapped backend's limit of "
                        + MAX_SIZE_BYTES + "; use a region or the direct backend");
            }
            MappedBytes mapped = MappedBytes.singleMappedBytes(path.toFile(), size, options.readOnly());
            mapped.singleThreadedCheckDisabled(true);
            if (Files.size(path) != size) {
                mapped.releaseLast();
                throw new IOException(path + ": the file changed size from " + size + " to " + Files.size(path)
                        + " bytes while being mapped; is another program resizing it?");
            }
            return new MappedBlockDevice(path.toString(), channel, mapped, size, sector, options.readOnly());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Refuses to touch the mapping once the file is shorter than it (SIGBUS otherwise). */
    private void checkNotShrunk(String op, long offsetBytes) throws IOException {
        long now = channel.size();
        if (now < sizeBytes()) {
            throw new IOException(name() + ": " + op + (offsetBytes >= 0 ? " at offset " + offsetBytes : "")
                    + " refused: the file shrank from " + sizeBytes() + " to " + now + " bytes underneath the "
                    + "mapping (touching it would crash the JVM with SIGBUS); restore its size and reopen it");
        }
    }

    @Override
    protected void readChecked(long offsetBytes, ByteBuffer dst, int length) throws IOException {
        checkNotShrunk("read", offsetBytes);
        int start = dst.position();
        if (dst.isDirect()) {
            store.nativeRead(offsetBytes, DirectBuffers.addressAtPosition(dst), length);
        } else if (dst.hasArray()) {
            store.read(offsetBytes, dst.array(), dst.arrayOffset() + start, length);
        } else {
            throw new IllegalArgumentException(name() + ": cannot read into a read-only buffer");
        }
        dst.position(start + length);
    }

    @Override
    protected void writeChecked(long offsetBytes, ByteBuffer src, int length) throws IOException {
        checkNotShrunk("write", offsetBytes);
        int start = src.position();
        if (src.isDirect()) {
            store.nativeWrite(DirectBuffers.addressAtPosition(src), offsetBytes, length);
        } else if (src.hasArray()) {
            store.write(offsetBytes, src.array(), src.arrayOffset() + start, length);
        } else {
            byte[] copy = new byte[length];
            src.get(start, copy);
            store.write(offsetBytes, copy, 0, length);
        }
        src.position(start + length);
    }

    @Override
    protected void syncChecked() throws IOException {
        checkNotShrunk("sync", -1);
        if (!isReadOnly()) {
            MappedMemory.msync(mappingAddress, sizeBytes(), name());
        }
    }

    @Override
    protected void closeResources() throws IOException {
        try {
            bytes.releaseLast();
            // Chronicle 2.27ea9 keeps one reference to the store of a single mapping after the bytes are released,
            // so the file would stay mapped until exit (seen in /proc/self/maps); drop it to unmap now.
            if (store.refCount() == 1) {
                store.releaseLast();
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public ByteBuffer allocateBuffer(int lengthBytes) {
        return BlockDevices.alignedDirectBuffer(lengthBytes, DirectBlockDevice.BUFFER_ALIGNMENT_BYTES);
    }

    @Override
    public boolean isShareableAcrossHosts() {
        return false;
    }
}
