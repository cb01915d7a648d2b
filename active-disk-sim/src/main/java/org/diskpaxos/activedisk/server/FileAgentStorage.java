package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.nativeio.NativeFile;
import org.diskpaxos.nativeio.NativeIoException;

/**
 * An agent device on a regular file or a block device: buffered positional writes through the page cache, made
 * durable by {@code fdatasync} (through the native module, on a second descriptor of the same file: Linux flushes
 * the file, whichever descriptor asks), so that one sync covers every write of a batch. Held under an exclusive
 * lock for as long as it is open, so two agents can never serve one device. The channel is never interrupted (the
 * server stops its I/O thread with a message), so positional I/O on it is safe.
 */
public final class FileAgentStorage implements AgentStorage {
    private final Path path;
    private final NativeFile file;
    private final FileChannel channel;
    private final FileLock lock;
    private final long sizeBytes;
    private final AtomicLong syncs = new AtomicLong();

    private FileAgentStorage(Path path, NativeFile file, FileChannel channel, FileLock lock, long sizeBytes) {
        this.path = path;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.sizeBytes = sizeBytes;
    }

    /** Opens {@code path} read-write and locks it; refuses one that another agent holds. */
    public static FileAgentStorage open(Path path) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new IOException("device " + path + " does not exist; give an existing file or disk, or add --init "
                    + "to create and initialise it", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("device " + path + " is in use by another agent (it holds the device's lock); "
                    + "stop that agent first, or give this one its own device");
        }
        try {
            long size = channel.size();
            NativeFile file = NativeFile.open(path, EnumSet.noneOf(org.diskpaxos.nativeio.OpenFlag.class));
            return new FileAgentStorage(path, file, channel, lock, size);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public void read(long sector, int sectorSizeBytes, byte[] dst) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst);
        long at = sector * sectorSizeBytes;
        while (b.hasRemaining()) {
            int n = channel.read(b, at + b.position());
            if (n <= 0) {
                throw new IOException("device " + path + ": unexpected end at byte " + (at + b.position())
                        + "; did it shrink?");
            }
        }
    }

    @Override
    public void write(long sector, int sectorSizeBytes, byte[] src) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(src);
        long at = sector * sectorSizeBytes;
        while (b.hasRemaining()) {
            int n = channel.write(b, at + b.position());
            if (n <= 0) {
                throw new IOException("device " + path + ": write at byte " + (at + b.position()) + " wrote nothing");
            }
        }
    }

    @Override
    public void sync() throws NativeIoException {
        file.fdatasync();
        syncs.incrementAndGet();
    }

    @Override
    public long syncCount() {
        return syncs.get();
    }

    @Override
    public void close() throws IOException {
        try {
            file.close();
        } finally {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                channel.close();
            }
        }
    }
}
