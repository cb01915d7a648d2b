package org.diskpaxos.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The shared resource the hosts contend for: a counter in a file, with a log of every increment, behaving like
 * <em>fenced storage</em> — it refuses a write that carries an older fencing token than one it has already seen.
 *
 * <p>Each increment runs under an fcntl lock on the counter file (the storage's own atomicity; the kernel drops it
 * when its process dies): read the counter {@code (value, fence)} (one fixed-size record, overwritten in place);
 * if the caller's token is older, log a
 * {@code REJECT} line and refuse; else append {@code OK fence host pid value+1} to the log (write-ahead) and then
 * write the counter. A writer killed between the two leaves the log one ahead of the counter; the next increment
 * (and {@link CounterLog}) redoes it from the log. So every increment the storage accepted is in the log exactly
 * once, in order, whatever the writers do.
 *
 * <p>The lease is what must keep two hosts from ever being in here with valid leases at once; the fencing check is
 * what must stop a host that was paused past its lease. {@link CounterLog#verify} tells the two apart.
 */
final class FencedCounter {
    /** Bytes of the tail of the log read to find its last {@code OK} line. */
    private static final int TAIL_BYTES = 8192;
    /** The counter file: {@code "value fence"} padded with spaces to this many bytes, newline last. */
    private static final int RECORD_BYTES = 48;

    private FencedCounter() {
    }

    /** What an increment did. */
    record Outcome(boolean accepted, long value, long storedFence) {
    }

    static void create(Path counter, Path log) throws IOException {
        Files.writeString(log, "");
        try (FileChannel c = FileChannel.open(counter, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            write(c, 0, 0);
        }
    }

    static Outcome increment(Path counter, Path log, long fence, int hostId, long pid) throws IOException {
        try (FileChannel c = FileChannel.open(counter, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = c.lock()) {
            long[] state = redo(c, log);
            if (fence < state[1]) {
                append(log, "REJECT " + fence + " " + hostId + " " + pid + " " + state[1]);
                return new Outcome(false, state[0], state[1]);
            }
            long value = state[0] + 1;
            append(log, "OK " + fence + " " + hostId + " " + pid + " " + value);
            write(c, value, fence);
            return new Outcome(true, value, fence);
        }
    }

    /** The counter {@code (value, fence)}, first redoing the log's last OK line if the counter lags it by one. */
    static long[] redo(FileChannel c, Path log) throws IOException {
        long[] state = read(c);
        long[] last = lastOk(log);
        if (last != null && last[0] == state[0] + 1) {
            write(c, last[0], last[1]);
            return last;
        }
        return state;
    }

    private static long[] read(FileChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES);
        c.read(b, 0);
        String[] f = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** One fixed-size record, overwritten in place by one pwrite(2): a writer killed meanwhile wrote all or none. */
    private static void write(FileChannel c, long value, long fence) throws IOException {
        String record = String.format(java.util.Locale.ROOT, "%-" + (RECORD_BYTES - 1) + "s\n", value + " " + fence);
        ByteBuffer b = ByteBuffer.wrap(record.getBytes(StandardCharsets.US_ASCII));
        c.write(b, 0);
        if (b.hasRemaining()) {
            throw new IOException("short write of the counter");
        }
    }

    /** The last OK line's {@code (value, fence)}, or null. */
    private static long[] lastOk(Path log) throws IOException {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.min(TAIL_BYTES, size);
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.read(b, size - n);
            List<String> lines = List.of(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII)
                    .split("\n"));
            for (int i = lines.size() - 1; i >= 0; i--) {
                String[] f = lines.get(i).split(" ");
                if (f.length == 5 && f[0].equals("OK")) {
                    return new long[] {Long.parseLong(f[4]), Long.parseLong(f[1])};
                }
            }
            return null;
        }
    }

    /** One line, in one write(2) with O_APPEND: a process killed meanwhile either wrote all of it or none. */
    static void append(Path log, String line) throws IOException {
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
            int written = ch.write(b);
            if (b.hasRemaining()) {
                throw new IOException(log + ": short append (" + written + " bytes)");
            }
        }
    }
}
