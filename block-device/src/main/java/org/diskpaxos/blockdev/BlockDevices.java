package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.diskpaxos.nativeio.HugePageMemory;
import org.diskpaxos.nativeio.NativeIoException;

/**
 * Opens block devices: {@link #open(Path, BlockDeviceOptions)} for files and disks, {@link #memory} for tests,
 * {@link #region} for a window of a device.
 *
 * <p>Opening never writes to an existing file or device and never changes its size; it creates a file only when
 * {@link BlockDeviceOptions#createSizeBytes()} asks for it and the path does not exist. Every refusal is an
 * IOException (a problem with the storage) or IllegalArgumentException (a bad argument) whose message starts with
 * the path and ends with what to do.
 */
public final class BlockDevices {
    /** Largest single read or write: 64 MiB (sanlock's largest transfer is a 8 MiB area). */
    public static final int MAX_TRANSFER_BYTES = 64 << 20;
    /** Largest file {@link #open} creates: 4 GiB, written as zeros so that no part of it is a hole. */
    public static final long MAX_CREATE_SIZE_BYTES = 4L << 30;
    /** The sector sizes the project supports. */
    public static final int SECTOR_512 = 512;
    public static final int SECTOR_4096 = 4096;

    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    private BlockDevices() {
    }

    /**
     * Opens {@code path} (a regular file or a block device) as the options say.
     *
     * @throws IOException              missing path, no permission, read-only device or file system, a sector size
     *                                  the storage cannot do, a file too small for the region, ...; nothing written
     * @throws IllegalArgumentException a region that is not whole sectors
     */
    public static BlockDevice open(Path path, BlockDeviceOptions options) throws IOException {
        if (options.createSizeBytes() > 0 && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            create(path, options);
        }
        BlockDevice device = options.backend() == Backend.MAPPED
                ? MappedBlockDevice.open(path, options) : DirectBlockDevice.open(path, options);
        if (options.wholeDevice()) {
            return device;
        }
        try {
            return regionOf(path, device, options);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    private static BlockDevice regionOf(Path path, BlockDevice device, BlockDeviceOptions options) throws IOException {
        long offset = options.regionOffsetBytes();
        long length = options.regionLengthBytes() == 0 ? device.sizeBytes() - offset : options.regionLengthBytes();
        if (offset >= device.sizeBytes() || length > device.sizeBytes() - offset) {
            long end = offset + Math.max(length, 1);
            throw new IOException(path + ": too small for the requested region: the region at offset " + offset
                    + " of length " + length + " ends at " + end + " but the " + (device.isShareableAcrossHosts()
                    ? "storage" : "file") + " is " + device.sizeBytes() + " bytes; grow it to at least " + end
                    + " bytes or choose a smaller region");
        }
        return new BlockRegion(device, offset, length, true);
    }

    /** A zero-filled memory device; see {@link MemoryBlockDevice}. */
    public static BlockDevice memory(String name, long sizeBytes, int sectorSizeBytes) {
        return new MemoryBlockDevice(name, sizeBytes, sectorSizeBytes);
    }

    /** A window of {@code device} that does not close it; see {@link BlockRegion}. */
    public static BlockDevice region(BlockDevice device, long offsetBytes, long lengthBytes) {
        return new BlockRegion(device, offsetBytes, lengthBytes, false);
    }

    static void checkSectorSize(String name, int sectorSizeBytes) {
        if (sectorSizeBytes != SECTOR_512 && sectorSizeBytes != SECTOR_4096) {
            throw new IllegalArgumentException(name + ": sector size must be 512 or 4096 bytes, got "
                    + sectorSizeBytes);
        }
    }

    /**
     * Buffers from this size up are put on huge pages ({@link HugePageMemory}): a large direct-I/O transfer then
     * reaches the device in a few contiguous segments instead of one per 4 KiB page. A lease area's ballot read
     * (2000 host blocks of 512 bytes, 1,024,000 bytes) is one.
     */
    public static final int HUGE_PAGE_BUFFER_MIN_BYTES = 512 * 1024;

    /**
     * A direct buffer of exactly {@code lengthBytes} whose first byte is aligned to {@code alignmentBytes} (at most
     * 2 MiB); one of {@link #HUGE_PAGE_BUFFER_MIN_BYTES} or more is on huge pages where the kernel gives them. Its
     * memory is freed when the buffer (and every view of it) is garbage.
     */
    public static ByteBuffer alignedDirectBuffer(int lengthBytes, int alignmentBytes) {
        if (lengthBytes < 0 || lengthBytes > MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException("buffer length must be between 0 and " + MAX_TRANSFER_BYTES
                    + " bytes, got " + lengthBytes);
        }
        if (alignmentBytes < 1 || alignmentBytes > HugePageMemory.HUGE_PAGE_BYTES
                || Integer.bitCount(alignmentBytes) != 1) {
            throw new IllegalArgumentException("buffer alignment must be a power of two up to "
                    + HugePageMemory.HUGE_PAGE_BYTES + " bytes, got " + alignmentBytes);
        }
        if (lengthBytes >= HUGE_PAGE_BUFFER_MIN_BYTES) {
            try {
                return HugePageMemory.allocate(lengthBytes);
            } catch (NativeIoException | UnsupportedOperationException e) {
                // No mapping to be had (or no native support): an ordinary direct buffer works the same, slower.
            }
        }
        ByteBuffer raw = ByteBuffer.allocateDirect(lengthBytes + alignmentBytes);
        int misalignment = raw.alignmentOffset(0, alignmentBytes);
        int skip = misalignment == 0 ? 0 : alignmentBytes - misalignment;
        return raw.slice(skip, lengthBytes);
    }

    /** {@link StorageInfo#of} with the JDK's exceptions turned into messages that name the path. */
    static StorageInfo storageInfo(Path path) throws IOException {
        try {
            return StorageInfo.of(path);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file or device; check the path", e);
        } catch (AccessDeniedException e) {
            throw new IOException(path + ": permission denied looking it up; run as a user allowed to reach it", e);
        }
    }

    /** Opens a plain channel (for size checks), with errors that name the path. */
    static FileChannel openChannel(Path path, boolean readOnly) throws IOException {
        try {
            return readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file or device; check the path", e);
        } catch (AccessDeniedException e) {
            throw new IOException(path + ": permission denied opening it " + (readOnly ? "read-only" : "read-write")
                    + "; run as a user allowed to use it" + (readOnly ? "" : ", or open it read-only (--read-only)"),
                    e);
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? e.getMessage() : e.getReason();
            if (reason != null && reason.contains("Read-only file system")) {
                throw new IOException(path + ": on a read-only file system; open it read-only (--read-only)", e);
            }
            if (reason != null && reason.contains("Operation not permitted")) {
                throw new IOException(path + ": permission denied opening it read-write (EPERM: immutable or "
                        + "append-only file?); open it read-only (--read-only) or fix its attributes", e);
            }
            throw new IOException(path + ": cannot open it: " + reason, e);
        }
    }

    /** Creates {@code path} filled with zeros, refusing to touch anything that already exists. */
    private static void create(Path path, BlockDeviceOptions options) throws IOException {
        long size = options.createSizeBytes();
        if (size % SECTOR_4096 != 0) {
            throw new IllegalArgumentException(path + ": size to create, " + size + " bytes, must be a multiple of "
                    + SECTOR_4096);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES);
            for (long at = 0; at < size; ) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK_BYTES, size - at));
                at += ch.write(zeros, at);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            // Someone created it between our check and now: open it as it is, never overwrite.
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": cannot create it: the directory " + path.getParent()
                    + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IOException(path + ": cannot create it: permission denied in " + path.getParent(), e);
        } catch (IOException e) {
            // A part-written file would later open as a device of the wrong size: remove it.
            Files.deleteIfExists(path);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(path + ": cannot create it with " + size + " bytes of zeros: " + reason
                    + (reason.contains("No space left") ? "; free space on " + path.getParent()
                    + "'s file system or put the file elsewhere" : "") + "; nothing was left behind", e);
        }
    }
}
