package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open file descriptor on a file or block device, with positional I/O, {@code fdatasync} and the block-device
 * ioctls.
 *
 * <p>Thread-safe: any number of threads may call {@link #pread}/{@link #pwrite} at once (they share no file
 * position). {@link #close()} waits for no one but never closes the descriptor under a running call: the
 * descriptor is closed when the last call in progress returns, so its number cannot be reused by another
 * {@code open} while a call still uses it. Calls started after {@code close()} fail with {@code EBADF}.
 */
public final class NativeFile implements AutoCloseable {
    /** Largest single pread/pwrite: 1 GiB, well under Linux's 0x7ffff000 per call. */
    public static final int MAX_TRANSFER_BYTES = 1 << 30;
    /** Retries of a call interrupted by a signal before giving up. */
    static final int MAX_EINTR_RETRIES = 100;

    private static final int CLOSED = 1 << 30;

    private final int fd;
    private final String path;
    private final boolean readOnly;
    /** Calls in progress, plus {@link #CLOSED} once close() was called. */
    private final AtomicInteger state = new AtomicInteger();

    private NativeFile(int fd, String path, boolean readOnly) {
        this.fd = fd;
        this.path = path;
        this.readOnly = readOnly;
    }

    /**
     * Opens {@code path} ({@code O_RDWR} or {@code O_RDONLY}, plus {@code O_CLOEXEC} and the given flags). Never
     * creates a file.
     *
     * @throws NativeIoException {@code open} failed: ENOENT, EACCES, EROFS, EINVAL (the file system refuses
     *                           O_DIRECT), ...
     */
    public static NativeFile open(Path path, Set<OpenFlag> flags) throws NativeIoException {
        LibC.load();
        boolean readOnly = flags.contains(OpenFlag.READ_ONLY);
        int f = (readOnly ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC;
        if (flags.contains(OpenFlag.DIRECT)) {
            f |= LibC.O_DIRECT;
        }
        if (flags.contains(OpenFlag.DSYNC)) {
            f |= LibC.O_DSYNC;
        }
        String name = path.toString();
        try {
            int fd = LibC.open(nulTerminated(name), f, 0);
            return new NativeFile(fd, name, readOnly);
        } catch (LastErrorException e) {
            throw NativeIoException.of("open", name, null, e);
        }
    }

    private static byte[] nulTerminated(String s) {
        Charset cs = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        byte[] b = s.getBytes(cs);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    public String path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /**
     * One {@code pread} of up to {@code dst.remaining()} bytes at {@code offsetBytes} into the direct buffer
     * {@code dst}, advancing its position by the count read. Returns that count; 0 means end of file.
     */
    public int pread(ByteBuffer dst, long offsetBytes) throws NativeIoException {
        int length = transferLength(dst, offsetBytes);
        Pointer p = DirectBuffers.pointerAtPosition(dst);
        acquire("pread", offsetBytes);
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    long n = LibC.pread(fd, p, length, offsetBytes);
                    dst.position(dst.position() + (int) n);
                    return (int) n;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR || attempt >= MAX_EINTR_RETRIES) {
                        throw NativeIoException.of("pread", path, at(offsetBytes, length), e);
                    }
                }
            }
        } finally {
            release();
        }
    }

    /**
     * One {@code pwrite} of up to {@code src.remaining()} bytes from the direct buffer {@code src} at
     * {@code offsetBytes}, advancing its position by the count written. Returns that count.
     */
    public int pwrite(ByteBuffer src, long offsetBytes) throws NativeIoException {
        int length = transferLength(src, offsetBytes);
        Pointer p = DirectBuffers.pointerAtPosition(src);
        acquire("pwrite", offsetBytes);
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    long n = LibC.pwrite(fd, p, length, offsetBytes);
                    src.position(src.position() + (int) n);
                    return (int) n;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR || attempt >= MAX_EINTR_RETRIES) {
                        throw NativeIoException.of("pwrite", path, at(offsetBytes, length), e);
                    }
                }
            }
        } finally {
            release();
        }
    }

    /** {@code fdatasync}: makes every completed write durable, flushing the device's write cache. */
    public void fdatasync() throws NativeIoException {
        acquire("fdatasync", -1);
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    LibC.fdatasync(fd);
                    return;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != Errno.EINTR || attempt >= MAX_EINTR_RETRIES) {
                        throw NativeIoException.of("fdatasync", path, null, e);
                    }
                }
            }
        } finally {
            release();
        }
    }

    /** {@code ioctl(BLKGETSIZE64)}: the block device's size in bytes. ENOTTY if this is not a block device. */
    public long blockDeviceSizeBytes() throws NativeIoException {
        return ioctl("BLKGETSIZE64", LibC.BLKGETSIZE64, 8).getLong(0);
    }

    /** {@code ioctl(BLKSSZGET)}: the block device's logical sector size. ENOTTY if this is not a block device. */
    public int logicalSectorSizeBytes() throws NativeIoException {
        return ioctl("BLKSSZGET", LibC.BLKSSZGET, 4).getInt(0);
    }

    /** {@code ioctl(BLKPBSZGET)}: the block device's physical sector size. ENOTTY if this is not a block device. */
    public int physicalSectorSizeBytes() throws NativeIoException {
        return ioctl("BLKPBSZGET", LibC.BLKPBSZGET, 4).getInt(0);
    }

    private Memory ioctl(String name, long request, int sizeBytes) throws NativeIoException {
        Memory out = new Memory(sizeBytes);
        out.clear();
        acquire("ioctl " + name, -1);
        try {
            LibC.ioctl(fd, request, out);
            return out;
        } catch (LastErrorException e) {
            throw NativeIoException.of("ioctl " + name, path, null, e);
        } finally {
            release();
        }
    }

    /**
     * Closes the descriptor, at once if no call is in progress, else when the last one returns. Safe to call more
     * than once.
     */
    @Override
    public void close() throws NativeIoException {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    closeFd();
                }
                return;
            }
        }
    }

    private void acquire(String syscall, long offsetBytes) throws NativeIoException {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new NativeIoException(syscall, path, offsetBytes >= 0 ? "at offset " + offsetBytes
                        + " after close" : "after close", Errno.EBADF);
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    private void release() throws NativeIoException {
        if (state.decrementAndGet() == CLOSED) {
            closeFd();
        }
    }

    private void closeFd() throws NativeIoException {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            throw NativeIoException.of("close", path, null, e);
        }
    }

    private static int transferLength(ByteBuffer buffer, long offsetBytes) {
        if (offsetBytes < 0) {
            throw new IllegalArgumentException("negative file offset " + offsetBytes);
        }
        int length = buffer.remaining();
        if (length > MAX_TRANSFER_BYTES) {
            throw new IllegalArgumentException("transfer of " + length + " bytes exceeds the limit of "
                    + MAX_TRANSFER_BYTES + "; split it");
        }
        return length;
    }

    private static String at(long offsetBytes, int lengthBytes) {
        return "at offset " + offsetBytes + " length " + lengthBytes;
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + (readOnly ? ", read-only" : "") + "]";
    }
}
