package org.diskpaxos.paxos.disk;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.Backend;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.ThreadedAsyncBlockDevice;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.diskpaxos.paxos.ondisk.DblockStamp;

/**
 * One resource's lease area opened on its real disks — files or block devices, each a path and the offset of the
 * area on it — with everything a {@link DiskPaxosResource} needs to run in production: one {@link ThreadedEventLoop}
 * for the resource's callbacks and timers, and per disk a {@link BlockDevice} and a {@link ThreadedAsyncBlockDevice}
 * whose worker threads do the blocking I/O and deliver results on that loop.
 *
 * <p>Durability: the direct backend opens with {@code O_DIRECT + O_DSYNC}, so a completed write is durable and needs
 * no sync ({@code syncAfterWrite = false}); the mapped backend (one host only: other hosts' page caches are stale)
 * needs an {@code msync} after every write ({@code syncAfterWrite = true}).
 *
 * <p>Threads: {@link DiskPaxosResource} is not thread-safe; call it on {@link #loop()} only, for example through
 * {@link #call}. {@link #close()} closes the async devices first (their queued I/O fails and is delivered on the
 * still running loop), then the loop, then the block devices; it never waits longer than the async devices' and the
 * loop's own bounded close waits.
 *
 * <p>Limits: 1 to {@link #DISKS_MAX} disks, 1 to {@link #WORKERS_PER_DISK_MAX} worker threads and at most
 * {@link #IN_FLIGHT_PER_DISK_MAX} I/Os in flight per disk. Every refusal names the disk and the offset.
 */
public final class ResourceDisks implements AutoCloseable {

    /** The most disks one resource area may span here (a majority of 5 survives two failed disks). */
    public static final int DISKS_MAX = 5;
    /** The most worker threads per disk. */
    public static final int WORKERS_PER_DISK_MAX = 8;
    /** The most I/Os accepted per disk and not yet finished (timed-out ones included). */
    public static final int IN_FLIGHT_PER_DISK_MAX = 1024;
    /** Largest wait {@link #call} accepts. */
    public static final Duration CALL_TIMEOUT_MAX = Duration.ofHours(1);

    /** Where the area is: a file or block device, and the byte offset of the area on it. */
    public record Location(Path path, long areaOffsetBytes) {
        public Location {
            Objects.requireNonNull(path, "path");
            if (areaOffsetBytes < 0) {
                throw new IllegalArgumentException(path + ": area offset must not be negative, got " + areaOffsetBytes);
            }
        }

        @Override
        public String toString() {
            return path + ":" + areaOffsetBytes;
        }
    }

    /**
     * How to open the disks.
     *
     * @param geometry           the area's sector size and size; every disk is opened with this sector size
     * @param backend            {@link Backend#DIRECT} for real deployments, {@link Backend#MAPPED} for one host
     * @param workersPerDisk     worker threads per disk: I/Os to one disk that may run at once
     * @param maxInFlightPerDisk I/Os per disk accepted and not yet finished; beyond that they fail at once
     * @param name               names the event loop and appears in thread names
     */
    public record Settings(AreaGeometry geometry, Backend backend, int workersPerDisk, int maxInFlightPerDisk,
                           String name) {
        public Settings {
            Objects.requireNonNull(geometry, "geometry");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(name, "name");
            if (workersPerDisk < 1 || workersPerDisk > WORKERS_PER_DISK_MAX) {
                throw new IllegalArgumentException("worker threads per disk must be 1.." + WORKERS_PER_DISK_MAX
                        + ", got " + workersPerDisk);
            }
            if (maxInFlightPerDisk < 1 || maxInFlightPerDisk > IN_FLIGHT_PER_DISK_MAX) {
                throw new IllegalArgumentException("I/Os in flight per disk must be 1.." + IN_FLIGHT_PER_DISK_MAX
                        + ", got " + maxInFlightPerDisk);
            }
        }

        /** Direct I/O, two workers and 64 I/Os in flight per disk. */
        public static Settings direct(AreaGeometry geometry, String name) {
            return new Settings(geometry, Backend.DIRECT, 2, 64, name);
        }

        public Settings withBackend(Backend newBackend) {
            return new Settings(geometry, newBackend, workersPerDisk, maxInFlightPerDisk, name);
        }

        public Settings withWorkersPerDisk(int workers) {
            return new Settings(geometry, backend, workers, maxInFlightPerDisk, name);
        }
    }

    /**
     * Wraps the block device of disk {@code diskIndex} after it is opened, before the async layer sees it: fault
     * injection for tests (a stalled or failing disk), instrumentation. The result is closed instead of the device;
     * it must close the device it wraps.
     */
    @FunctionalInterface
    public interface DeviceWrapper {
        BlockDevice wrap(int diskIndex, BlockDevice device);

        /** No wrapping. */
        static DeviceWrapper none() {
            return (diskIndex, device) -> device;
        }
    }

    private final Settings settings;
    private final List<Location> locations;
    private final ThreadedEventLoop loop;
    private final List<BlockDevice> devices;
    private final List<ThreadedAsyncBlockDevice> asyncDevices;
    private final List<DiskPaxosResource.Disk> disks;
    private boolean closed;

    private ResourceDisks(Settings settings, List<Location> locations, ThreadedEventLoop loop,
                          List<BlockDevice> devices, List<ThreadedAsyncBlockDevice> asyncDevices) {
        this.settings = settings;
        this.locations = locations;
        this.loop = loop;
        this.devices = devices;
        this.asyncDevices = asyncDevices;
        boolean sync = settings.backend() == Backend.MAPPED;
        List<DiskPaxosResource.Disk> d = new ArrayList<>();
        for (int i = 0; i < locations.size(); i++) {
            d.add(new DiskPaxosResource.Disk(asyncDevices.get(i), locations.get(i).areaOffsetBytes(), sync));
        }
        this.disks = List.copyOf(d);
    }

    /** Opens the area on every location; see {@link #open(List, Settings, DeviceWrapper)}. */
    public static ResourceDisks open(List<Location> locations, Settings settings) throws IOException {
        return open(locations, settings, DeviceWrapper.none());
    }

    /**
     * Opens every location with the settings' backend and the geometry's sector size and starts the event loop and
     * the worker threads. Nothing is read or written. On any failure everything opened so far is closed again.
     *
     * @throws IOException              a path cannot be opened (the message names it and says what to do)
     * @throws IllegalArgumentException no disks or too many, the same location twice, an offset that is not whole
     *                                  sectors, or a disk too small for the area at its offset
     */
    public static ResourceDisks open(List<Location> locations, Settings settings, DeviceWrapper wrapper)
            throws IOException {
        List<Location> locs = List.copyOf(locations);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(wrapper, "wrapper");
        if (locs.isEmpty() || locs.size() > DISKS_MAX) {
            throw new IllegalArgumentException("a resource area needs 1 to " + DISKS_MAX + " disks, got " + locs.size());
        }
        AreaGeometry g = settings.geometry();
        for (int i = 0; i < locs.size(); i++) {
            Location l = locs.get(i);
            if (l.areaOffsetBytes() % g.sectorSizeBytes() != 0) {
                throw new IllegalArgumentException("disk " + l.path() + " offset " + l.areaOffsetBytes()
                        + ": not a multiple of the " + g.sectorSizeBytes() + "-byte sector size; place the area at a "
                        + "multiple of " + g.alignSizeBytes() + " (its size), as sanlock does");
            }
            for (int j = 0; j < i; j++) {
                if (locs.get(j).equals(l)) {
                    throw new IllegalArgumentException("disk " + l.path() + " offset " + l.areaOffsetBytes()
                            + " is given twice; every replica of the area must be on its own disk");
                }
            }
        }
        List<BlockDevice> devices = new ArrayList<>();
        List<ThreadedAsyncBlockDevice> asyncDevices = new ArrayList<>();
        ThreadedEventLoop loop = null;
        try {
            BlockDeviceOptions options = new BlockDeviceOptions(settings.backend(), false, g.sectorSizeBytes(), 0, 0, 0);
            for (int i = 0; i < locs.size(); i++) {
                Location l = locs.get(i);
                BlockDevice opened = BlockDevices.open(l.path(), options);
                BlockDevice device;
                try {
                    device = Objects.requireNonNull(wrapper.wrap(i, opened), "wrapped device");
                } catch (RuntimeException e) {
                    opened.close();
                    throw e;
                }
                devices.add(device);
                long end = l.areaOffsetBytes() + g.alignSizeBytes();
                if (end > device.sizeBytes()) {
                    throw new IllegalArgumentException("disk " + l.path() + " offset " + l.areaOffsetBytes()
                            + ": the " + g.describe() + " area needs bytes up to " + end + ", the disk has "
                            + device.sizeBytes() + "; grow it or choose another offset");
                }
            }
            loop = new ThreadedEventLoop(settings.name() + "-loop");
            for (BlockDevice device : devices) {
                asyncDevices.add(new ThreadedAsyncBlockDevice(device, loop, settings.workersPerDisk(),
                        settings.maxInFlightPerDisk()));
            }
            return new ResourceDisks(settings, locs, loop, List.copyOf(devices), List.copyOf(asyncDevices));
        } catch (IOException | RuntimeException e) {
            closeAll(asyncDevices, loop, devices, e);
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    public List<Location> locations() {
        return locations;
    }

    /** The loop every callback of these disks runs on. */
    public ThreadedEventLoop loop() {
        return loop;
    }

    /** The disks as {@link DiskPaxosResource} takes them, in the order of the locations. */
    public List<DiskPaxosResource.Disk> disks() {
        return disks;
    }

    /** The async device of disk {@code index}, for its counters. */
    public ThreadedAsyncBlockDevice asyncDevice(int index) {
        return asyncDevices.get(index);
    }

    /**
     * A {@link DiskPaxosResource} for resource {@code lockspaceName:resourceName} on these disks, as host
     * {@code hostId}, with the area id dplock stamps its dblocks with. Use it on {@link #loop()} only.
     */
    public DiskPaxosResource resource(String lockspaceName, String resourceName, int hostId,
                                      DiskPaxosResource.Options options, RandomSource random) {
        return new DiskPaxosResource(loop, disks,
                AreaExpectation.resource(lockspaceName, resourceName, settings.geometry()), hostId,
                DblockStamp.areaId(lockspaceName, resourceName), options, random);
    }

    /**
     * Runs {@code operation} on the loop and waits for the result it hands its callback: the blocking bridge for
     * callers on other threads (tests, benchmarks, command-line tools).
     *
     * @throws TimeoutException the callback did not run within {@code timeout}; the operation goes on
     */
    public <T> T call(Consumer<RankedRegister.Callback<T>> operation, Duration timeout)
            throws TimeoutException, InterruptedException {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(CALL_TIMEOUT_MAX) > 0) {
            throw new IllegalArgumentException("timeout must be positive and at most " + CALL_TIMEOUT_MAX
                    + ", got " + timeout);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                operation.accept(result::complete);
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause;
        }
    }

    /** Closes the async devices, the loop and the block devices; safe to call more than once. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = closeAll(asyncDevices, loop, devices, null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes in dependency order; returns the first IOException (added to {@code primary} if given). */
    private static IOException closeAll(List<ThreadedAsyncBlockDevice> asyncDevices, ThreadedEventLoop loop,
                                        List<BlockDevice> devices, Exception primary) {
        for (ThreadedAsyncBlockDevice a : asyncDevices) {
            a.close();
        }
        if (loop != null) {
            loop.close();
        }
        IOException first = null;
        for (BlockDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    @Override
    public String toString() {
        return "ResourceDisks" + locations + " " + settings.geometry().describe() + " " + settings.backend();
    }
}
