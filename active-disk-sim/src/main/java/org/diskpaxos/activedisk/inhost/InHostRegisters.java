package org.diskpaxos.activedisk.inhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.ResourceRegisters;
import org.diskpaxos.activedisk.format.Fields;
import org.diskpaxos.nativeio.MappedMemory;

/**
 * A register file shared by the processes of one machine: every request runs the agent's register functions
 * atomically on the mapped file (see the package documentation for the protocol). Thread-safe: any thread of any
 * process may call {@link #execute}; each process (or thread) may open its own instance on the same file.
 */
public final class InHostRegisters implements AutoCloseable {
    private final Path path;
    private final InHostOptions options;
    private final InHostLayout layout;
    private final MappedBytes mapped;
    private final MappedBytesStore store;
    private final long baseAddress;
    private final ProcessLock locks = new ProcessLock();
    private final ConcurrentHashMap<String, Integer> names = new ConcurrentHashMap<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong msyncs = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    private InHostRegisters(Path path, InHostOptions options, InHostLayout layout, MappedBytes mapped) {
        this.path = path;
        this.options = options;
        this.layout = layout;
        this.mapped = mapped;
        this.store = (MappedBytesStore) mapped.bytesStore();
        this.store.singleThreadedCheckDisabled(true);
        this.baseAddress = store.addressForRead(0);
    }

    /**
     * Opens {@code file}, creating it with {@code options}' layout if it does not exist (several processes may race
     * to create it: exactly one file wins and all open it). An existing file keeps its own layout.
     */
    public static InHostRegisters open(Path file, InHostOptions options) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException(file + ": in-host register files need a little-endian machine");
        }
        if (!Files.exists(file)) {
            create(file, new InHostLayout(options.resourcesMax(), options.window(), options.casBlocks()));
        }
        long size = Files.size(file);
        InHostLayout layout = readLayout(file, size);
        MappedBytes mapped = MappedBytes.singleMappedBytes(file.toFile(), layout.sizeBytes());
        mapped.singleThreadedCheckDisabled(true);
        return new InHostRegisters(file, options, layout, mapped);
    }

    private static void create(Path file, InHostLayout layout) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".creating");
        try {
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
                for (long at = 0; at < layout.sizeBytes(); ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), layout.sizeBytes() - at));
                    at += c.write(zeros, at);
                }
                c.write(ByteBuffer.wrap(header(layout)), 0);
                c.force(true);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: use theirs.
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the file itself is synced.
        }
    }

    private static byte[] header(InHostLayout l) {
        byte[] h = new byte[32];
        ByteBuffer b = Fields.le(h);
        b.putInt(InHostLayout.H_MAGIC, InHostLayout.MAGIC).putInt(InHostLayout.H_VERSION, InHostLayout.VERSION)
                .putInt(InHostLayout.H_RESOURCES, l.resourcesMax()).putInt(InHostLayout.H_WINDOW, l.window())
                .putInt(InHostLayout.H_CAS_BLOCKS, l.casBlocks())
                .putInt(InHostLayout.H_RESOURCE_RECORD, l.resourceRecordBytes())
                .putInt(InHostLayout.H_CAS_RECORD, InHostLayout.casRecordBytes());
        CRC32C crc = new CRC32C();
        crc.update(h, 0, InHostLayout.H_CRC);
        b.putInt(InHostLayout.H_CRC, (int) crc.getValue());
        return h;
    }

    private static InHostLayout readLayout(Path file, long size) throws IOException {
        byte[] h = new byte[32];
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            c.read(ByteBuffer.wrap(h), 0);
        }
        ByteBuffer b = Fields.le(h);
        CRC32C crc = new CRC32C();
        crc.update(h, 0, InHostLayout.H_CRC);
        if (b.getInt(InHostLayout.H_MAGIC) != InHostLayout.MAGIC || b.getInt(InHostLayout.H_CRC) != (int) crc.getValue()) {
            throw new IOException(file + " is not an in-host register file (bad magic or header checksum); "
                    + "give another path, or remove it if it is a leftover");
        }
        if (b.getInt(InHostLayout.H_VERSION) != InHostLayout.VERSION) {
            throw new IOException(file + ": in-host format version " + b.getInt(InHostLayout.H_VERSION)
                    + ", this code reads " + InHostLayout.VERSION);
        }
        InHostLayout l;
        try {
            l = new InHostLayout(b.getInt(InHostLayout.H_RESOURCES), b.getInt(InHostLayout.H_WINDOW),
                    b.getInt(InHostLayout.H_CAS_BLOCKS));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": damaged header: " + e.getMessage(), e);
        }
        if (b.getInt(InHostLayout.H_RESOURCE_RECORD) != l.resourceRecordBytes()
                || b.getInt(InHostLayout.H_CAS_RECORD) != InHostLayout.casRecordBytes() || size < l.sizeBytes()) {
            throw new IOException(file + ": layout does not match its size (" + size + " bytes, expected "
                    + l.sizeBytes() + "); was it truncated?");
        }
        return l;
    }

    public Path path() {
        return path;
    }

    // ------------------------------------------------------------------ requests

    /** Runs {@code request} atomically; waits at most the lock wait of the options (or {@code timeoutNs}). */
    public AgentReply execute(AgentRequest request, long timeoutNs) {
        running.incrementAndGet();
        try {
            if (closed) {
                return new AgentReply.Unavailable(path + ": closed");
            }
            return run(request, timeoutNs);
        } finally {
            running.decrementAndGet();
        }
    }

    private AgentReply run(AgentRequest request, long timeoutNs) {
        operations.incrementAndGet();
        long deadline = System.nanoTime() + Math.min(timeoutNs, TimeUnit.MILLISECONDS.toNanos(options.lockWaitMs()));
        if (request instanceof AgentRequest.RrRead r) {
            return onResource(r.resource(), !r.rank().isZero(), deadline, regs -> regs.read(r.instance(), r.rank()),
                    new AgentReply.RrReadResult(AgentRank.ZERO, AgentRank.ZERO, new byte[0], false, 0));
        } else if (request instanceof AgentRequest.RrReadFrom r) {
            return onResource(r.resource(), !r.rank().isZero(), deadline, regs -> regs.readFrom(r.fromInstance(),
                    r.rank()), new AgentReply.RrReadFromResult(AgentRank.ZERO, 0, List.of()));
        } else if (request instanceof AgentRequest.RrWrite w) {
            return onResource(w.resource(), !w.rank().isZero(), deadline, regs -> regs.write(w.instance(), w.rank(),
                    w.value()), new AgentReply.RrWriteResult(AgentReply.WriteOutcome.ABORTED, AgentRank.ZERO, 0));
        } else if (request instanceof AgentRequest.CompareAndWrite c) {
            return onBlock(c.block(), deadline, c.expected(), c.replacement());
        } else if (request instanceof AgentRequest.ReadBlock b) {
            return onBlock(b.block(), deadline, null, null);
        }
        return stat();
    }

    private interface RegisterFunction {
        ResourceRegisters.Result apply(ResourceRegisters regs);
    }

    private AgentReply onResource(String name, boolean mayCreate, long deadline, RegisterFunction f,
            AgentReply unknownAnswer) {
        Integer index = lookup(name);
        if (index == null) {
            if (!mayCreate) {
                return unknownAnswer;
            }
            Object created = create(name, deadline);
            if (created instanceof AgentReply r) {
                return r;
            }
            index = (Integer) created;
        }
        long rec = layout.resourceRecord(index);
        if (!locks.acquire(store, rec + InHostLayout.R_LOCK, deadline)) {
            return busy("resource '" + name + "'");
        }
        try {
            long generation = store.readVolatileLong(rec + InHostLayout.R_CONTROL);
            int copyBytes = layout.resourceCopyBytes();
            byte[] copy = readCopy(rec, generation, copyBytes);
            ResourceRegisters regs = copy == null ? null : decodeResource(name, copy, generation);
            if (regs == null) {
                corrupt.incrementAndGet();
                return new AgentReply.Error(ErrorCode.CORRUPT, path + ": resource '" + name + "' generation "
                        + generation + " fails its checksum; this register file is damaged");
            }
            ensureSynced(rec, layout.resourceRecordBytes(), generation);
            ResourceRegisters.Result result = f.apply(regs);
            if (result.changed()) {
                publish(rec, layout.resourceRecordBytes(), copyBytes, generation + 1, encodeResource(regs,
                        generation + 1, copyBytes));
            }
            return result.reply();
        } finally {
            locks.release(store, rec + InHostLayout.R_LOCK);
        }
    }

    private AgentReply onBlock(int block, long deadline, byte[] expected, byte[] replacement) {
        if (block >= layout.casBlocks()) {
            return new AgentReply.Error(ErrorCode.BAD_REQUEST, path + ": CAS block " + block + " outside [0, "
                    + layout.casBlocks() + ")");
        }
        long rec = layout.casRecord(block);
        if (!locks.acquire(store, rec + InHostLayout.R_LOCK, deadline)) {
            return busy("CAS block " + block);
        }
        try {
            long generation = store.readVolatileLong(rec + InHostLayout.R_CONTROL);
            int copyBytes = InHostLayout.casCopyBytes();
            byte[] copy = readCopy(rec, generation, copyBytes);
            if (copy == null) {
                corrupt.incrementAndGet();
                return new AgentReply.Error(ErrorCode.CORRUPT, path + ": CAS block " + block + " is damaged");
            }
            byte[] content = Arrays.copyOfRange(copy, InHostLayout.C_BODY, InHostLayout.C_BODY
                    + AgentLimits.CAS_BLOCK_BYTES);
            ensureSynced(rec, InHostLayout.casRecordBytes(), generation);
            if (expected == null) {
                return new AgentReply.BlockContent(block, content);
            }
            if (!Arrays.equals(content, expected)) {
                return new AgentReply.CasResult(false, content);
            }
            if (!Arrays.equals(content, replacement)) {
                byte[] next = new byte[copyBytes];
                System.arraycopy(replacement, 0, next, InHostLayout.C_BODY, replacement.length);
                seal(next, generation + 1);
                publish(rec, InHostLayout.casRecordBytes(), copyBytes, generation + 1, next);
            }
            return new AgentReply.CasResult(true, replacement);
        } finally {
            locks.release(store, rec + InHostLayout.R_LOCK);
        }
    }

    private AgentReply busy(String what) {
        return new AgentReply.Unavailable(path + ": " + what + " stayed locked by a live process for "
                + options.lockWaitMs() + " ms or the request's timeout (a paused or very slow process?)");
    }

    // ------------------------------------------------------------------ records

    /** The current copy's bytes if its checksum and generation verify (or it is the initial all-zero copy). */
    private byte[] readCopy(long rec, long generation, int copyBytes) {
        byte[] copy = new byte[copyBytes];
        store.read(rec + InHostLayout.R_COPIES + (generation & 1) * copyBytes, copy, 0, copyBytes);
        if (generation == 0 && Fields.allZero(copy, 0, copy.length)) {
            return copy;
        }
        ByteBuffer b = Fields.le(copy);
        CRC32C crc = new CRC32C();
        crc.update(copy, 4, copy.length - 4);
        if (b.getInt(InHostLayout.C_CRC) != (int) crc.getValue() || b.getLong(InHostLayout.C_GENERATION)
                != generation) {
            return null;
        }
        return copy;
    }

    private static void seal(byte[] copy, long generation) {
        ByteBuffer b = Fields.le(copy);
        b.putLong(InHostLayout.C_GENERATION, generation);
        CRC32C crc = new CRC32C();
        crc.update(copy, 4, copy.length - 4);
        b.putInt(InHostLayout.C_CRC, (int) crc.getValue());
    }

    /** Writes the spare copy, then flips the control word to it; msyncs in between in durable mode. */
    private void publish(long rec, int recordBytes, int copyBytes, long generation, byte[] copy) {
        store.write(rec + InHostLayout.R_COPIES + (generation & 1) * copyBytes, copy, 0, copyBytes);
        msync(rec, recordBytes);
        store.writeOrderedLong(rec + InHostLayout.R_CONTROL, generation);
        msync(rec, recordBytes);
        store.writeOrderedLong(rec + InHostLayout.R_SYNCED, generation);
    }

    /** In durable mode, a state someone published but did not live to sync is synced before it is used. */
    private void ensureSynced(long rec, int recordBytes, long generation) {
        if (options.durable() && store.readVolatileLong(rec + InHostLayout.R_SYNCED) < generation) {
            msync(rec, recordBytes);
            store.writeOrderedLong(rec + InHostLayout.R_SYNCED, generation);
        }
    }

    private void msync(long offset, long length) {
        if (!options.durable()) {
            return;
        }
        try {
            MappedMemory.msync(baseAddress + offset, length, path.toString());
            msyncs.incrementAndGet();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": msync failed; the change may not be durable", e);
        }
    }

    private ResourceRegisters decodeResource(String name, byte[] copy, long generation) {
        ResourceRegisters regs = new ResourceRegisters(name, layout.window());
        if (generation == 0 && Fields.allZero(copy, 0, copy.length)) {
            return regs;
        }
        ByteBuffer b = Fields.le(copy);
        int at = InHostLayout.C_BODY;
        regs.loadR(Fields.getRank(b, at));
        at += AgentRank.BYTES;
        for (int k = 0; k < layout.window(); k++, at += InHostLayout.SLOT_BYTES) {
            long instance = b.getLong(at);
            if (instance < 0) {
                continue;
            }
            AgentRank w = Fields.getRank(b, at + 8);
            int length = Short.toUnsignedInt(b.getShort(at + 8 + AgentRank.BYTES));
            if (length > AgentLimits.VALUE_BYTES_MAX || w.isZero() || regs.slotOf(instance) != k) {
                return null;
            }
            int v = at + 8 + AgentRank.BYTES + 2;
            regs.loadSlot(k, instance, w, Arrays.copyOfRange(copy, v, v + length));
        }
        return regs;
    }

    private static byte[] encodeResource(ResourceRegisters regs, long generation, int copyBytes) {
        byte[] copy = new byte[copyBytes];
        ByteBuffer b = Fields.le(copy);
        int at = InHostLayout.C_BODY;
        Fields.putRank(b, at, regs.r());
        at += AgentRank.BYTES;
        for (int k = 0; k < regs.window(); k++, at += InHostLayout.SLOT_BYTES) {
            b.putLong(at, regs.slotInstance(k));
            Fields.putRank(b, at + 8, regs.slotW(k));
            byte[] v = regs.slotValue(k);
            b.putShort(at + 8 + AgentRank.BYTES, (short) v.length);
            b.put(at + 8 + AgentRank.BYTES + 2, v);
        }
        seal(copy, generation);
        return copy;
    }

    // ------------------------------------------------------------------ names

    private Integer lookup(String name) {
        Integer known = names.get(name);
        if (known != null) {
            return known;
        }
        long used = store.readVolatileLong(InHostLayout.H_RESOURCES_USED);
        for (int r = 0; r < used; r++) {
            String n = nameOf(r);
            names.putIfAbsent(n, r);
            if (n.equals(name)) {
                return r;
            }
        }
        return null;
    }

    private String nameOf(int r) {
        long rec = layout.resourceRecord(r);
        int length = Short.toUnsignedInt(store.readShort(rec + InHostLayout.R_NAME_LENGTH));
        byte[] raw = new byte[Math.min(length, AgentLimits.NAME_BYTES_MAX)];
        store.read(rec + InHostLayout.R_NAME, raw, 0, raw.length);
        String s = Fields.decodeUtf8(raw, 0, raw.length);
        return s == null ? "" : s;
    }

    /** The new resource's index, or an error reply. */
    private Object create(String name, long deadline) {
        if (!locks.acquire(store, InHostLayout.H_ALLOCATION_LOCK, deadline)) {
            return busy("the allocation lock");
        }
        try {
            Integer again = lookup(name);
            if (again != null) {
                return again;
            }
            long used = store.readVolatileLong(InHostLayout.H_RESOURCES_USED);
            if (used >= layout.resourcesMax()) {
                return new AgentReply.Error(ErrorCode.FULL, path + ": all " + layout.resourcesMax()
                        + " resource records are in use; create a new file with more resources");
            }
            int r = (int) used;
            long rec = layout.resourceRecord(r);
            byte[] zero = new byte[layout.resourceRecordBytes()];
            store.write(rec, zero, 0, zero.length);
            byte[] n = Fields.utf8(name);
            store.writeShort(rec + InHostLayout.R_NAME_LENGTH, (short) n.length);
            store.write(rec + InHostLayout.R_NAME, n, 0, n.length);
            msync(rec, layout.resourceRecordBytes());
            store.writeOrderedLong(InHostLayout.H_RESOURCES_USED, used + 1);
            msync(0, InHostLayout.HEADER_BYTES);
            names.put(name, r);
            return r;
        } finally {
            locks.release(store, InHostLayout.H_ALLOCATION_LOCK);
        }
    }

    // ------------------------------------------------------------------ stat

    private AgentReply stat() {
        List<AgentReply.Counter> c = new ArrayList<>();
        c.add(new AgentReply.Counter("operations", operations.get()));
        c.add(new AgentReply.Counter("lock_acquisitions", locks.acquisitions.get()));
        c.add(new AgentReply.Counter("lock_contended", locks.contended.get()));
        c.add(new AgentReply.Counter("lock_steals", locks.steals.get()));
        c.add(new AgentReply.Counter("lock_timeouts", locks.timeouts.get()));
        c.add(new AgentReply.Counter("msyncs", msyncs.get()));
        c.add(new AgentReply.Counter("corrupt", corrupt.get()));
        c.add(new AgentReply.Counter("resources_used", store.readVolatileLong(InHostLayout.H_RESOURCES_USED)));
        c.add(new AgentReply.Counter("resources_max", layout.resourcesMax()));
        c.add(new AgentReply.Counter("window_instances", layout.window()));
        c.add(new AgentReply.Counter("cas_blocks", layout.casBlocks()));
        c.add(new AgentReply.Counter("durable", options.durable() ? 1 : 0));
        String name = path.getFileName().toString();
        if (Fields.utf8(name).length > AgentLimits.AGENT_NAME_BYTES_MAX) {
            name = name.substring(0, 32);
        }
        return new AgentReply.StatResult(0, 0, name, InHostLayout.VERSION, c);
    }

    /** Counters of this process's use of the file (tests and benchmarks). */
    public long lockSteals() {
        return locks.steals.get();
    }

    public long lockContended() {
        return locks.contended.get();
    }

    public long msyncs() {
        return msyncs.get();
    }

    /** For tests: the offset of resource {@code name}'s lock word; -1 when it does not exist. */
    long lockOffsetOf(String name) {
        Integer r = lookup(name);
        return r == null ? -1 : layout.resourceRecord(r) + InHostLayout.R_LOCK;
    }

    /** For tests: takes resource {@code name}'s lock and keeps it (as a process that then dies would). */
    boolean lockForTest(String name) {
        return locks.acquire(store, lockOffsetOf(name), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }

    MappedBytesStore store() {
        return store;
    }

    /** Unmaps the file once the operations running now have finished (waits at most 5 s for them). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.get() > 0 && System.nanoTime() - giveUp < 0) {
            Thread.onSpinWait();
        }
        if (running.get() > 0) {
            throw new IllegalStateException(path + ": operations still running after 5 s; not unmapping under them");
        }
        mapped.releaseLast();
        if (store.refCount() == 1) {
            store.releaseLast();
        }
    }
}
