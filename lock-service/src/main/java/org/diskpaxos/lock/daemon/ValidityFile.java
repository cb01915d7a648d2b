package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A small memory-mapped file through which the daemon publishes, per lockspace, until when this host's leases are
 * valid, on the machine's monotonic clock ({@link System#nanoTime()}, the same for every process on the host). A
 * {@code dplock run} wrapper or a daemon-backed client reads it without asking the daemon, so it stops its holder
 * on time even if the daemon is paused or hung: a stuck daemon stops extending the deadline.
 *
 * <pre>
 *  offset  field
 *       0  magic         u64  "DPLOCKV1"
 *       8  slots         u32  {@value #SLOTS}
 *      64  slot i:       name (48 bytes, NUL-padded) | validUntilNs (u64, 0 = not valid) | pad to 64
 * </pre>
 */
public final class ValidityFile implements AutoCloseable {

    public static final int SLOTS = 64;
    private static final long MAGIC = 0x31564b434f4c5044L; // "DPLOCKV1" little-endian
    private static final int SLOT_BYTES = 64;
    private static final int NAME_BYTES = 48;
    private static final int SIZE_BYTES = 64 + SLOTS * SLOT_BYTES;
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final FileChannel channel;
    private final MappedByteBuffer map;

    private ValidityFile(FileChannel channel, MappedByteBuffer map) {
        this.channel = channel;
        this.map = map;
    }

    /** Creates (or resets) the file: the daemon's side. */
    public static ValidityFile create(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE_BYTES);
        m.order(ByteOrder.LITTLE_ENDIAN).putInt(8, SLOTS);
        LONG.setRelease(m, 0, MAGIC);
        return new ValidityFile(ch, m);
    }

    /** Opens an existing file read-only: a client's side. */
    public static ValidityFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (ch.size() < SIZE_BYTES) {
            ch.close();
            throw new IOException(path + " is not a dplock validity file (too small)");
        }
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, SIZE_BYTES);
        if ((long) LONG.getAcquire(m, 0) != MAGIC) {
            ch.close();
            throw new IOException(path + " is not a dplock validity file (bad magic)");
        }
        return new ValidityFile(ch, m);
    }

    /** The file next to a daemon socket. */
    public static Path pathFor(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".validity");
    }

    /** Publishes {@code lockspace}'s deadline (0: not valid). */
    public synchronized void publish(String lockspace, long validUntilNs) {
        int slot = find(lockspace);
        if (slot < 0) {
            slot = find("");
            if (slot < 0) {
                throw new IllegalStateException("more than " + SLOTS + " lockspaces");
            }
            byte[] name = Arrays.copyOf(lockspace.getBytes(StandardCharsets.UTF_8), NAME_BYTES);
            map.put(64 + slot * SLOT_BYTES, name);
        }
        LONG.setRelease(map, 64 + slot * SLOT_BYTES + NAME_BYTES, validUntilNs);
    }

    /** The published deadline of {@code lockspace}, or 0 if none. */
    public long validUntilNs(String lockspace) {
        int slot = find(lockspace);
        return slot < 0 ? 0 : (long) LONG.getAcquire(map, 64 + slot * SLOT_BYTES + NAME_BYTES);
    }

    private int find(String lockspace) {
        byte[] want = Arrays.copyOf(lockspace.getBytes(StandardCharsets.UTF_8), NAME_BYTES);
        byte[] have = new byte[NAME_BYTES];
        for (int s = 0; s < SLOTS; s++) {
            map.get(64 + s * SLOT_BYTES, have);
            if (Arrays.equals(want, have)) {
                return s;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
