package org.diskpaxos.lock.disk;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoCallback;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.disk.DiskPaxosResource;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.AreaInit;
import org.diskpaxos.paxos.ondisk.DblockStamp;

/**
 * A deterministic test bench for the lease layer: one manual event loop (virtual time that moves only when a test
 * says so) shared by several hosts of one process, three in-memory disks whose I/O completes on the loop's next turn,
 * and per-host views of each disk on which a test can hold or fail chosen I/Os — the scripts of the scenarios.
 * Layout as in the lease simulation: the lockspace at 0, resource {@code r} at {@code (1 + r)} areas.
 */
final class LeaseHarness {
    static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    static final String LOCKSPACE = "ls";
    static final int DISKS = 3;
    static final int NUM_HOSTS = 8;
    static final LeaseTimeouts TIMEOUTS = new LeaseTimeouts(10_000_000L, 100);

    final Loop loop = new Loop();
    final List<byte[]> images = new ArrayList<>();
    private final int resources;

    LeaseHarness(int resources) {
        this.resources = resources;
        AreaInit.LockspaceImage ls = AreaInit.lockspace(LOCKSPACE, GEOMETRY, 1);
        for (int d = 0; d < DISKS; d++) {
            byte[] image = new byte[(1 + resources) * GEOMETRY.alignSizeBytes()];
            System.arraycopy(ls.finalArea(), 0, image, 0, GEOMETRY.alignSizeBytes());
            for (int r = 0; r < resources; r++) {
                byte[] area = AreaInit.resource(LOCKSPACE, resourceName(r), GEOMETRY, NUM_HOSTS);
                DblockStamp.stampBlankRecords(area, GEOMETRY, NUM_HOSTS, areaId(r));
                System.arraycopy(area, 0, image, (int) resourceOffset(r), area.length);
            }
            images.add(image);
        }
    }

    static String resourceName(int r) {
        return "res" + r;
    }

    static ResourceId id(int r) {
        return new ResourceId(LOCKSPACE, resourceName(r));
    }

    static long areaId(int r) {
        return DblockStamp.areaId(LOCKSPACE, resourceName(r));
    }

    static long resourceOffset(int r) {
        return (long) (1 + r) * GEOMETRY.alignSizeBytes();
    }

    /** Byte {@code offsetInArea} of resource {@code r}'s area on disk {@code d}, as a buffer of {@code length}. */
    ByteBuffer area(int d, int r, int offsetInArea, int length) {
        return ByteBuffer.wrap(images.get(d), (int) resourceOffset(r) + offsetInArea, length).slice();
    }

    /** One host of the bench: its disk views, lockspace membership, session and resource areas. */
    final class Host {
        final int hostId;
        final List<Disk> disks = new ArrayList<>();
        final Lockspace lockspace;
        final LockspaceSession session;
        final DiskPaxosResource[] areas;

        Host(int hostId) {
            this.hostId = hostId;
            List<AreaDisk> lockspaceDisks = new ArrayList<>();
            for (int d = 0; d < DISKS; d++) {
                Disk disk = new Disk("h" + hostId + "-disk" + d, images.get(d));
                disks.add(disk);
                lockspaceDisks.add(new AreaDisk(disk, 0, false));
            }
            HostIdentity identity = new HostIdentity(String.format(Locale.ROOT, "%016x", 0xbe00L + hostId),
                    "000000000000000b", "host" + hostId);
            lockspace = new Lockspace(loop, lockspaceDisks, AreaExpectation.lockspace(LOCKSPACE, GEOMETRY), hostId,
                    identity, TIMEOUTS);
            areas = new DiskPaxosResource[resources];
            for (int r = 0; r < resources; r++) {
                List<DiskPaxosResource.Disk> ds = new ArrayList<>();
                for (Disk disk : disks) {
                    ds.add(new DiskPaxosResource.Disk(disk, resourceOffset(r), false));
                }
                areas[r] = new DiskPaxosResource(loop, ds, AreaExpectation.resource(LOCKSPACE, resourceName(r),
                        GEOMETRY), hostId, areaId(r), new DiskPaxosResource.Options(TIMEOUTS.ioTimeoutNs(),
                        4 * TIMEOUTS.ioTimeoutNs(), TIMEOUTS.ioTimeoutNs() / 4, true), RandomSource.seeded(hostId));
            }
            session = new LockspaceSession(lockspace, (name, done) -> {
                int r = name.startsWith("res") ? parse(name.substring(3)) : -1;
                if (r < 0 || r >= resources) {
                    done.accept(null, "unknown resource '" + name + "' in lockspace '" + LOCKSPACE + "'");
                } else {
                    done.accept(areas[r], null);
                }
            }, RandomSource.seeded(1000 + hostId));
            lockspace.limitRequestScan(NUM_HOSTS);
            String[] failure = {"not finished"};
            lockspace.join(f -> failure[0] = f);
            advance(20 * TIMEOUTS.ioTimeoutNs());
            assertNull(failure[0], "host " + hostId + " did not join");
        }

        /** Acquires resource {@code r}, waiting up to {@code waitNs}; advances time until it ends. */
        LockspaceSession.AcquireResult acquire(int r, LeaseOptions options, long waitNs) {
            return LeaseHarness.this.await(done -> session.acquire(id(r), options, loop.nowNs() + waitNs, done));
        }

        /** Every disk view of this host stops answering: I/O fails at once (a host cut off from its storage). */
        void cutOff() {
            for (Disk d : disks) {
                d.failIf = io -> true;
            }
        }
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    Host host(int hostId) {
        return new Host(hostId);
    }

    /** Starts {@code op} and advances time until it reports (at most a few seconds of virtual time). */
    <T> T await(Consumer<Consumer<T>> op) {
        AtomicReference<T> out = new AtomicReference<>();
        boolean[] done = {false};
        op.accept(v -> {
            out.set(v);
            done[0] = true;
        });
        for (int i = 0; i < 10_000 && !done[0]; i++) {
            loop.advance(TIMEOUTS.ioTimeoutNs() / 10);
        }
        assertTrue(done[0], "the operation did not finish");
        return out.get();
    }

    void advance(long ns) {
        loop.advance(ns);
    }

    /** An I/O a disk view holds for the test. */
    static final class Held {
        final boolean write;
        final long offsetBytes;
        final IoBuffer buffer;
        final int lengthBytes;
        final long ioId;
        final IoCallback callback;
        final Disk disk;

        Held(Disk disk, boolean write, long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, IoCallback cb) {
            this.disk = disk;
            this.write = write;
            this.ioId = ioId;
            this.offsetBytes = offsetBytes;
            this.buffer = buffer;
            this.lengthBytes = lengthBytes;
            this.callback = cb;
        }

        /** Applies the held I/O now and completes it. */
        void release() {
            disk.held.remove(this);
            disk.apply(write, offsetBytes, buffer, lengthBytes);
            buffer.release();
            disk.loopRef().execute(() -> callback.onResult(new IoResult(ioId, write ? IoResult.Kind.WRITE
                    : IoResult.Kind.READ, IoResult.Status.OK, null, false)));
        }
    }

    /** One host's view of one in-memory disk. */
    final class Disk implements AsyncBlockDevice {
        private final String name;
        private final byte[] image;
        Predicate<Held> holdIf = io -> false;
        Predicate<Held> failIf = io -> false;
        /** Writes this view acknowledges but never applies (a disk that misdirected them elsewhere). */
        Predicate<Held> misdirectIf = io -> false;
        final List<Held> held = new ArrayList<>();

        Disk(String name, byte[] image) {
            this.name = name;
            this.image = image;
        }

        EventLoop loopRef() {
            return loop;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long sizeBytes() {
            return image.length;
        }

        @Override
        public int logicalSectorSizeBytes() {
            return 512;
        }

        @Override
        public void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback cb) {
            submit(false, ioId, offsetBytes, buffer, lengthBytes, cb);
        }

        @Override
        public void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback cb) {
            submit(true, ioId, offsetBytes, buffer, lengthBytes, cb);
        }

        @Override
        public void sync(long ioId, long timeoutNs, IoCallback cb) {
            loop.execute(() -> cb.onResult(new IoResult(ioId, IoResult.Kind.SYNC, IoResult.Status.OK, null, false)));
        }

        private void submit(boolean write, long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes,
                            IoCallback cb) {
            buffer.claim(name);
            Held h = new Held(this, write, ioId, offsetBytes, buffer, lengthBytes, cb);
            IoResult.Kind kind = write ? IoResult.Kind.WRITE : IoResult.Kind.READ;
            if (failIf.test(h)) {
                buffer.release();
                loop.execute(() -> cb.onResult(new IoResult(ioId, kind, IoResult.Status.FAILED,
                        new java.io.IOException(name + ": scripted failure"), false)));
                return;
            }
            if (holdIf.test(h)) {
                held.add(h);
                return;
            }
            if (!(write && misdirectIf.test(h))) {
                apply(write, offsetBytes, buffer, lengthBytes);
            }
            buffer.release();
            loop.execute(() -> cb.onResult(new IoResult(ioId, kind, IoResult.Status.OK, null, false)));
        }

        void apply(boolean write, long offsetBytes, IoBuffer buffer, int lengthBytes) {
            if (write) {
                buffer.bytes().get(0, image, (int) offsetBytes, lengthBytes);
            } else {
                buffer.bytes().put(0, image, (int) offsetBytes, lengthBytes);
            }
        }

        @Override
        public void close() {
        }
    }

    /** A single-threaded event loop on virtual time that moves only in {@link #advance}. */
    static final class Loop implements EventLoop {
        private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
        private final PriorityQueue<Timer> timers = new PriorityQueue<>();
        private long nowNs = 1_000_000_000L;
        private long seq;

        private final class Timer implements Comparable<Timer>, Scheduled {
            final long dueNs;
            final long order = seq++;
            final Runnable task;
            boolean cancelled;

            Timer(long dueNs, Runnable task) {
                this.dueNs = dueNs;
                this.task = task;
            }

            @Override
            public int compareTo(Timer o) {
                int c = Long.compare(dueNs, o.dueNs);
                return c != 0 ? c : Long.compare(order, o.order);
            }

            @Override
            public boolean cancel() {
                boolean was = !cancelled;
                cancelled = true;
                return was;
            }
        }

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public void execute(Runnable task) {
            ready.add(task);
        }

        @Override
        public Scheduled schedule(long delayNs, Runnable task) {
            Timer t = new Timer(nowNs + Math.max(0, delayNs), task);
            timers.add(t);
            return t;
        }

        void runReady() {
            Runnable r;
            while ((r = ready.poll()) != null) {
                r.run();
            }
        }

        void advance(long ns) {
            long end = nowNs + ns;
            runReady();
            while (!timers.isEmpty() && timers.peek().dueNs <= end) {
                Timer t = timers.poll();
                nowNs = t.dueNs;
                if (!t.cancelled) {
                    t.task.run();
                }
                runReady();
            }
            nowNs = end;
        }
    }
}
