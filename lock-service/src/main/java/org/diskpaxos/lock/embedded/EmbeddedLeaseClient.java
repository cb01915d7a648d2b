package org.diskpaxos.lock.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.async.ThreadedAsyncBlockDevice;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.RequestResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.api.StorageUnavailableException;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseClientBase;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.disk.AreaDisk;
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.lock.disk.LockspaceLayout;
import org.diskpaxos.lock.disk.LockspaceSession;
import org.diskpaxos.lock.disk.ResourceIndex;
import org.diskpaxos.lock.disk.ResourceLeases;
import org.diskpaxos.paxos.ondisk.AreaExpectation;
import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * A {@link LeaseClient} that makes this process a member of the lockspace itself: it opens the disks (direct I/O),
 * joins with its host id, renews on its own event-loop thread, and acquires leases by name through the lockspace's
 * resource index. For applications that run one process per host and want no daemon.
 *
 * <pre>{@code
 * EmbeddedLeaseClient.Config config = EmbeddedLeaseClient.Config.of("vms", 7,
 *         List.of(new EmbeddedLeaseClient.Disk(Path.of("/dev/mapper/lease-a"), 0)));
 * try (LeaseClient client = EmbeddedLeaseClient.open(config);
 *      Lease lease = client.acquire(ResourceId.parse("vms/disk-17"), LeaseOptions.EXCLUSIVE)) {
 *     ... use the resource, passing lease.fence() to storage ...
 * }
 * }</pre>
 *
 * <p>A watchdog thread, separate from the event loop, checks every held lease against its deadline, so a lease
 * turns LOST (and {@code lost()} completes, and the JVM halts if so configured) on time even if the event loop is
 * stuck.
 */
public final class EmbeddedLeaseClient extends LeaseClientBase {

    /**
     * Blocking I/O threads per disk: the I/Os the client can have outstanding on one disk. Eight resources taken and
     * released in parallel keep more than 4 in flight. In four alternating pairs of {@code dplock bench --disks 1
     * --hosts 16} runs the 8-resource workload did 4,050-4,945 cycles/s with 16 threads against 3,647-3,898 with 4
     * (docs/benchmarks.md).
     */
    static final int IO_THREADS_PER_DISK = 16;

    /** One disk of the lockspace: a file or block device, and the lockspace's offset on it. */
    public record Disk(Path path, long baseOffsetBytes) {
        public Disk {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * @param lockspace   the lockspace name
     * @param hostId      this host's id, 1..max hosts; unique among the lockspace's live members
     * @param disks       1, 3 or 5 disks
     * @param geometry    the lockspace's sector and area size (must match how it was formatted)
     * @param timeouts    the timeout profile (every member should use the same)
     * @param maxResources the resource index size it was formatted with
     * @param identity    this host's unique name (machine, boot, host name)
     */
    public record Config(String lockspace, int hostId, List<Disk> disks, AreaGeometry geometry, LeaseTimeouts timeouts,
                         int maxResources, HostIdentity identity) {
        public Config {
            Objects.requireNonNull(lockspace, "lockspace");
            disks = List.copyOf(disks);
            Objects.requireNonNull(geometry, "geometry");
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(identity, "identity");
        }

        /** Sanlock's default geometry (512-byte sectors, 1 MiB areas), the default timeouts, this machine's name. */
        public static Config of(String lockspace, int hostId, List<Disk> disks) throws IOException {
            return new Config(lockspace, hostId, disks, AreaGeometry.SECTOR_512_ALIGN_1M, LeaseTimeouts.DEFAULT,
                    LockspaceLayout.MAX_RESOURCES_DEFAULT, HostIdentity.local());
        }

        public Config withTimeouts(LeaseTimeouts t) {
            return new Config(lockspace, hostId, disks, geometry, t, maxResources, identity);
        }

        public Config withGeometry(AreaGeometry g) {
            return new Config(lockspace, hostId, disks, g, timeouts, maxResources, identity);
        }

        public Config withIdentity(HostIdentity i) {
            return new Config(lockspace, hostId, disks, geometry, timeouts, maxResources, i);
        }
    }

    private final Config config;
    private final ThreadedEventLoop loop;
    private final List<BlockDevice> devices;
    private final List<ThreadedAsyncBlockDevice> asyncDevices;
    private final Lockspace lockspace;
    private final LockspaceSession session;
    private final ResourceIndex index;

    private EmbeddedLeaseClient(Config config, ThreadedEventLoop loop, List<BlockDevice> devices,
            List<ThreadedAsyncBlockDevice> asyncDevices, Lockspace lockspace, ResourceIndex index) {
        this.config = config;
        this.loop = loop;
        this.devices = devices;
        this.asyncDevices = asyncDevices;
        this.lockspace = lockspace;
        this.index = index;
        this.session = new LockspaceSession(lockspace, index);
        startWatchdog("dplock-lease-watchdog-" + config.lockspace(), config.timeouts(), session::heldSnapshot);
    }

    /** Opens the disks and joins the lockspace; blocks until joined (a few I/O timeouts) or failed. */
    public static EmbeddedLeaseClient open(Config config) throws LeaseException, InterruptedException {
        if (config.disks().isEmpty() || config.disks().size() % 2 == 0 || config.disks().size() > 7) {
            throw new LeaseException("a lockspace needs 1, 3, 5 or 7 disks, got " + config.disks().size());
        }
        List<BlockDevice> devices = new ArrayList<>();
        List<ThreadedAsyncBlockDevice> async = new ArrayList<>();
        ThreadedEventLoop loop = new ThreadedEventLoop("dplock-" + config.lockspace());
        try {
            List<AreaDisk> areaDisks = new ArrayList<>();
            for (Disk d : config.disks()) {
                BlockDevice dev = BlockDevices.open(d.path(), BlockDeviceOptions.direct()
                        .withSectorSize(config.geometry().sectorSizeBytes()));
                devices.add(dev);
                ThreadedAsyncBlockDevice a = new ThreadedAsyncBlockDevice(dev, loop, IO_THREADS_PER_DISK, 4096);
                async.add(a);
                areaDisks.add(new AreaDisk(a, d.baseOffsetBytes(), false));
            }
            LockspaceLayout layout = new LockspaceLayout(config.geometry(), config.maxResources());
            Lockspace lockspace = new Lockspace(loop, areaDisks, AreaExpectation.lockspace(config.lockspace(),
                    config.geometry()), config.hostId(), config.identity(), config.timeouts());
            ResourceIndex index = new ResourceIndex(loop, config.lockspace(), layout, areaDisks, config.hostId(),
                    config.timeouts(), System.nanoTime() ^ config.hostId());
            CompletableFuture<String> joined = new CompletableFuture<>();
            loop.execute(() -> lockspace.join(joined::complete));
            String failure = joined.get();
            if (failure != null) {
                throw new StorageUnavailableException(failure);
            }
            return new EmbeddedLeaseClient(config, loop, devices, async, lockspace, index);
        } catch (IOException e) {
            closeQuietly(async, devices, loop);
            throw new LeaseException(e.getMessage(), e);
        } catch (ExecutionException e) {
            closeQuietly(async, devices, loop);
            throw new LeaseException("joining failed: " + e.getCause(), e.getCause());
        } catch (RuntimeException | LeaseException | InterruptedException e) {
            closeQuietly(async, devices, loop);
            throw e;
        }
    }

    private static void closeQuietly(List<ThreadedAsyncBlockDevice> async, List<BlockDevice> devices,
            ThreadedEventLoop loop) {
        for (ThreadedAsyncBlockDevice a : async) {
            a.close();
        }
        for (BlockDevice d : devices) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing after a failure: the first error is what the caller sees
            }
        }
        loop.close();
    }

    public Config config() {
        return config;
    }

    /** This host's membership state (JOINED, LOST, ...). */
    public Lockspace.State membership() {
        return lockspace.state();
    }

    /** Until when this host's leases in the lockspace are valid, on {@link System#nanoTime()}'s clock. */
    public long validUntilNanos() {
        return lockspace.state() == Lockspace.State.JOINED ? lockspace.validUntilNs() : 0;
    }

    /** Reports each renewal of this host's delta lease to {@code observer} (for metrics). */
    public void observeRenewals(Lockspace.RenewalObserver observer) {
        lockspace.observeRenewals(observer);
    }

    /** This host's generation in the lockspace (its delta lease's owner_generation). */
    public long generation() {
        return lockspace.generation();
    }

    /** Why the membership was lost, or null. */
    public String lostReason() {
        return lockspace.lostReason();
    }

    /** Leases held through this client now. */
    public List<LockspaceSession.HeldLease> held() {
        return session.heldSnapshot();
    }

    /**
     * Acquires asynchronously, waiting up to {@code wait} for a live holder to release; completes with the lease,
     * or empty if it stayed busy, or exceptionally (a {@link LeaseException}) for anything else. Never blocks.
     */
    public CompletableFuture<Optional<Lease>> acquireAsync(ResourceId resource, Duration wait, LeaseOptions options) {
        CompletableFuture<Optional<Lease>> out = new CompletableFuture<>();
        start(resource, wait, options).thenAccept(result -> {
            if (result instanceof LockspaceSession.AcquireResult.Acquired a) {
                if (!out.complete(Optional.of(a.lease()))) {
                    a.lease().releaseAsync();
                }
            } else if (result instanceof LockspaceSession.AcquireResult.Busy) {
                out.complete(Optional.empty());
            } else {
                out.completeExceptionally(new StorageUnavailableException(
                        ((LockspaceSession.AcquireResult.Failed) result).message()));
            }
        });
        return out;
    }

    /** Creates a resource asynchronously; completes with null or the problem. Never blocks. */
    public CompletableFuture<String> createResourceAsync(String resourceName) {
        CompletableFuture<String> done = new CompletableFuture<>();
        try {
            ResourceId.parse(config.lockspace() + "/" + resourceName);
        } catch (IllegalArgumentException e) {
            done.complete(e.getMessage());
            return done;
        }
        ResourceLeases leases = new ResourceLeases(lockspace);
        loop.execute(() -> index.create(resourceName, leases, done::complete));
        return done;
    }

    /** Creates a resource in the lockspace's index (idempotent); blocks. */
    public void createResource(String resourceName) throws LeaseException, InterruptedException {
        createResource(resourceName, config.geometry().maxHosts());
    }

    /**
     * Creates a resource whose lease area has {@code numHosts} host blocks (sanlock's {@code num_hosts}, 1..max
     * hosts): acquires read only that many, and only hosts with ids up to {@code numHosts} may acquire it. Idempotent
     * (an existing resource keeps its own {@code num_hosts}); blocks.
     */
    public void createResource(String resourceName, int numHosts) throws LeaseException, InterruptedException {
        ResourceId.parse(config.lockspace() + "/" + resourceName);
        if (numHosts < 1 || numHosts > config.geometry().maxHosts()) {
            throw new IllegalArgumentException("num_hosts must be 1.." + config.geometry().maxHosts() + ", got "
                    + numHosts);
        }
        CompletableFuture<String> done = new CompletableFuture<>();
        ResourceLeases leases = new ResourceLeases(lockspace);
        loop.execute(() -> index.create(resourceName, numHosts, leases, done::complete));
        String problem = join(done);
        if (problem != null) {
            throw new LeaseException(problem);
        }
    }

    /** The names in the lockspace's resource index; blocks. */
    public List<String> listResources() throws LeaseException, InterruptedException {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        loop.execute(() -> index.list((names, problem) -> {
            if (problem != null) {
                done.completeExceptionally(new LeaseException(problem));
            } else {
                done.complete(names);
            }
        }));
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw (LeaseException) e.getCause();
        }
    }

    /**
     * {@inheritDoc} Blocks for a few I/Os. A resource this process holds, an unknown resource, or unavailable disks
     * throw a {@link LeaseException} naming the problem.
     */
    @Override
    public RequestResult request(ResourceId resource, RequestMode mode) throws InterruptedException, LeaseException {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(mode, "mode");
        if (isClosed()) {
            throw new LeaseException("client is closed");
        }
        CompletableFuture<ResourceLeases.RequestOutcome> done = new CompletableFuture<>();
        loop.execute(() -> session.request(resource, mode, done::complete));
        ResourceLeases.RequestOutcome outcome = join(done);
        if (outcome instanceof ResourceLeases.RequestOutcome.Requested r) {
            return new RequestResult(r.lver(), r.holderHostIds());
        }
        throw new LeaseException(((ResourceLeases.RequestOutcome.Failed) outcome).reason());
    }

    @Override
    protected CompletableFuture<Attempt> attempt(ResourceId resource, Duration wait, LeaseOptions options) {
        return start(resource, wait, options).thenApply(result -> {
            if (result instanceof LockspaceSession.AcquireResult.Acquired a) {
                return Attempt.acquired(a.lease());
            } else if (result instanceof LockspaceSession.AcquireResult.Busy b) {
                return Attempt.busy(b.message(), b.ownerHostId());
            }
            return Attempt.failed(((LockspaceSession.AcquireResult.Failed) result).message());
        });
    }

    private CompletableFuture<LockspaceSession.AcquireResult> start(ResourceId resource, Duration wait,
            LeaseOptions options) {
        if (isClosed()) {
            return CompletableFuture.completedFuture(new LockspaceSession.AcquireResult.Failed("client is closed"));
        }
        CompletableFuture<LockspaceSession.AcquireResult> done = new CompletableFuture<>();
        long waitNs = Math.min(wait.toNanos(), Duration.ofDays(1).toNanos());
        loop.execute(() -> session.acquire(resource, options, loop.nowNs() + waitNs, done::complete));
        return done;
    }

    private static <T> T join(CompletableFuture<T> f) throws LeaseException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new LeaseException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    @Override
    protected void leave(java.util.function.Consumer<String> done) {
        loop.execute(() -> lockspace.leave(done::accept));
    }

    @Override
    protected void closeStorage() {
        closeQuietly(asyncDevices, devices, loop);
    }
}
