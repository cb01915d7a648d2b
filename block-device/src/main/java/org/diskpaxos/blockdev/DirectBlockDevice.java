package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.nativeio.AlignedBuffer;
import org.diskpaxos.nativeio.Errno;
import org.diskpaxos.nativeio.NativeFile;
import org.diskpaxos.nativeio.NativeIoException;
import org.diskpaxos.nativeio.OpenFlag;

/**
 * Direct I/O ({@code O_DIRECT + O_DSYNC}) on a regular file or a block device, through the native module's
 * {@code pread}/{@code pwrite}: one mechanism for both, so 512-byte I/O works on 512-byte-sector device nodes (the
 * JDK's own DIRECT option insists on 4096 there).
 *
 * <p>A write returns once its data is durable. Buffers that are direct and aligned to the sector size go to the
 * kernel as they are; any other buffer is copied through a pooled, aligned bounce buffer of
 * {@value #BOUNCE_BYTES} bytes, so callers may pass heap buffers at the price of a copy.
 *
 * <p>Sector sizes: a block device's come from {@code BLKSSZGET}/{@code BLKPBSZGET}; a file's logical sector size
 * is the caller's choice (512 or 4096), refused when the device under its file system has larger logical
 * sectors (sysfs), or, where sysfs does not know the device, when a probe read of one sector fails.
 */
final class DirectBlockDevice extends AbstractBlockDevice {
    /** Size of each bounce buffer; larger unaligned transfers go through it in pieces. */
    static final int BOUNCE_BYTES = 256 * 1024;
    /** Bounce buffers kept for reuse; more are allocated under contention and freed after use. */
    static final int MAX_POOLED_BOUNCE_BUFFERS = 4;
    /** Alignment of buffers from {@link #allocateBuffer}: a page, enough for every sector size. */
    static final int BUFFER_ALIGNMENT_BYTES = 4096;
    /** Default logical sector size for regular files: works on every disk. */
    static final int DEFAULT_FILE_SECTOR_BYTES = 4096;

    private final NativeFile file;
    private final ConcurrentLinkedQueue<AlignedBuffer> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    private DirectBlockDevice(NativeFile file, long sizeBytes, int logical, int physical, boolean readOnly) {
        super(file.path(), sizeBytes, logical, physical, readOnly);
        this.file = file;
    }

    static DirectBlockDevice open(Path path, BlockDeviceOptions options) throws IOException {
        StorageInfo info = BlockDevices.storageInfo(path);
        if (info.blockDevice() && info.readOnlyDevice() && !options.readOnly()) {
            throw new IOException(path + ": the block device is read-only (" + info.sysfsPath()
                    + "/ro = 1, e.g. losetup -r or a write-protected LUN); open it read-only (--read-only)");
        }
        Set<OpenFlag> flags = EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC);
        if (options.readOnly()) {
            flags.add(OpenFlag.READ_ONLY);
        }
        NativeFile file;
        try {
            file = NativeFile.open(path, flags);
        } catch (NativeIoException e) {
            throw openError(path, options, e);
        }
        try {
            return info.blockDevice() ? openDevice(file, options) : openFile(path, file, info, options);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static DirectBlockDevice openDevice(NativeFile file, BlockDeviceOptions options) throws IOException {
        long size = file.blockDeviceSizeBytes();
        int logical = file.logicalSectorSizeBytes();
        int physical = file.physicalSectorSizeBytes();
        int sector = options.sectorSizeBytes() == 0 ? logical : options.sectorSizeBytes();
        if (sector < logical) {
            throw new IOException(file.path() + ": the device has " + logical + "-byte logical sectors, so "
                    + sector + "-byte I/O is impossible on it; use sector size " + logical
                    + " (or 0 for the device's own)");
        }
        long usable = size - size % sector;
        if (usable <= 0) {
            throw new IOException(file.path() + ": the device is " + size + " bytes, smaller than one "
                    + sector + "-byte sector");
        }
        return new DirectBlockDevice(file, usable, sector, Math.max(physical, sector), options.readOnly());
    }

    private static DirectBlockDevice openFile(Path path, NativeFile file, StorageInfo info, BlockDeviceOptions options)
            throws IOException {
        if (!info.regularFile()) {
            throw new IOException(path + ": neither a regular file nor a block device; give a file or a disk");
        }
        int sector = options.sectorSizeBytes() == 0 ? DEFAULT_FILE_SECTOR_BYTES : options.sectorSizeBytes();
        if (info.logicalBlockSizeBytes() > sector) {
            throw new IOException(path + ": the file system is on a device with " + info.logicalBlockSizeBytes()
                    + "-byte logical sectors (" + info.sysfsPath() + "), so " + sector + "-byte direct I/O is "
                    + "impossible there; use sector size " + info.logicalBlockSizeBytes());
        }
        long size = Files.size(path);
        if (size <= 0 || size % sector != 0) {
            throw new IOException(path + ": the file is " + size + " bytes, not a positive multiple of the "
                    + sector + "-byte sector size; resize it (truncate -s) or choose another sector size");
        }
        if (info.logicalBlockSizeBytes() == 0) {
            probe(path, file, sector);
        }
        int physical = Math.max(sector, info.physicalBlockSizeBytes());
        return new DirectBlockDevice(file, size, sector, physical, options.readOnly());
    }

    /** Where sysfs cannot tell the sector size, asks the file system: a one-sector direct read at offset 0. */
    private static void probe(Path path, NativeFile file, int sector) throws IOException {
        try (AlignedBuffer b = AlignedBuffer.allocate(sector, BUFFER_ALIGNMENT_BYTES)) {
            file.pread(b.buffer(), 0);
        } catch (NativeIoException e) {
            if (e.errno() == Errno.EINVAL) {
                throw new IOException(path + ": the file system refused a " + sector + "-byte direct read; "
                        + (sector < 4096 ? "use sector size 4096" : "use the mapped backend") + " (" + e.getMessage()
                        + ")", e);
            }
            throw e;
        }
    }

    private static IOException openError(Path path, BlockDeviceOptions options, NativeIoException e) {
        String mode = options.readOnly() ? "read-only" : "read-write";
        switch (e.errno()) {
            case Errno.ENOENT:
                return new IOException(path + ": no such file or device; check the path", e);
            case Errno.EACCES:
            case Errno.EPERM:
                return new IOException(path + ": permission denied opening it " + mode + " (" + Errno.name(e.errno())
                        + "); run as a user allowed to " + (options.readOnly() ? "read" : "write") + " it"
                        + (options.readOnly() ? "" : ", or open it read-only (--read-only)"), e);
            case Errno.EROFS:
                return new IOException(path + ": on a read-only file system; open it read-only (--read-only)", e);
            case Errno.EISDIR:
                return new IOException(path + ": is a directory; give a file or a disk", e);
            case Errno.EINVAL:
                return new IOException(path + ": the file system refuses O_DIRECT (tmpfs before Linux 6.6, ramfs, "
                        + "some FUSE file systems); put the file on a disk-backed file system, or for one host "
                        + "only use the mapped backend (--backend mapped)", e);
            default:
                return new IOException(path + ": cannot open it " + mode + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void readChecked(long offsetBytes, ByteBuffer dst, int length) throws IOException {
        int start = dst.position();
        if (isAligned(dst)) {
            readFully(dst.slice(start, length), offsetBytes);
            dst.position(start + length);
            return;
        }
        AlignedBuffer bounce = borrow();
        try {
            for (int done = 0; done < length; ) {
                int n = Math.min(BOUNCE_BYTES, length - done);
                ByteBuffer b = bounce.buffer().clear().limit(n);
                readFully(b, offsetBytes + done);
                dst.put(start + done, bounce.buffer(), 0, n);
                done += n;
            }
        } finally {
            giveBack(bounce);
        }
        dst.position(start + length);
    }

    @Override
    protected void writeChecked(long offsetBytes, ByteBuffer src, int length) throws IOException {
        int start = src.position();
        if (isAligned(src)) {
            writeFully(src.slice(start, length), offsetBytes);
            src.position(start + length);
            return;
        }
        AlignedBuffer bounce = borrow();
        try {
            for (int done = 0; done < length; ) {
                int n = Math.min(BOUNCE_BYTES, length - done);
                ByteBuffer b = bounce.buffer().clear();
                b.put(0, src, start + done, n);
                writeFully(b.limit(n), offsetBytes + done);
                done += n;
            }
        } finally {
            giveBack(bounce);
        }
        src.position(start + length);
    }

    private boolean isAligned(ByteBuffer b) {
        return b.isDirect() && b.alignmentOffset(b.position(), logicalSectorSizeBytes()) == 0;
    }

    private void readFully(ByteBuffer b, long offsetBytes) throws IOException {
        long at = offsetBytes;
        while (b.hasRemaining()) {
            int n = file.pread(b, at);
            if (n == 0) {
                throw new IOException(name() + ": unexpected end of file at offset " + at + " (expected "
                        + sizeBytes() + " bytes); the file shrank underneath");
            }
            at += n;
        }
    }

    private void writeFully(ByteBuffer b, long offsetBytes) throws IOException {
        long at = offsetBytes;
        while (b.hasRemaining()) {
            int n;
            try {
                n = file.pwrite(b, at);
            } catch (NativeIoException e) {
                if (e.errno() == Errno.EPERM || e.errno() == Errno.EROFS) {
                    throw new IOException(name() + ": the device refused the write at offset " + at + " ("
                            + Errno.name(e.errno()) + "): it is read-only; open it read-only (--read-only)", e);
                }
                throw e;
            }
            if (n == 0) {
                throw new IOException(name() + ": pwrite at offset " + at + " wrote nothing");
            }
            at += n;
        }
    }

    private AlignedBuffer borrow() {
        AlignedBuffer b = pool.poll();
        if (b != null) {
            pooled.decrementAndGet();
            return b;
        }
        return AlignedBuffer.allocate(BOUNCE_BYTES, BUFFER_ALIGNMENT_BYTES);
    }

    private void giveBack(AlignedBuffer b) {
        if (pooled.incrementAndGet() <= MAX_POOLED_BOUNCE_BUFFERS) {
            pool.offer(b);
        } else {
            pooled.decrementAndGet();
            b.close();
        }
    }

    @Override
    protected void syncChecked() throws IOException {
        file.fdatasync();
    }

    @Override
    protected void closeResources() throws IOException {
        for (AlignedBuffer b; (b = pool.poll()) != null; ) {
            b.close();
        }
        file.close();
    }

    @Override
    public ByteBuffer allocateBuffer(int lengthBytes) {
        return BlockDevices.alignedDirectBuffer(lengthBytes, BUFFER_ALIGNMENT_BYTES);
    }

    @Override
    public boolean isShareableAcrossHosts() {
        return true;
    }
}
