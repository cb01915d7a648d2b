package org.diskpaxos.lock.active;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentTransport;
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
import org.diskpaxos.lock.disk.Lockspace;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ProcessId;

/**
 * A {@link LeaseClient} in active mode: this process joins a lockspace kept on active-disk agents
 * ({@code dplock agent}) over TCP, and takes leases through {@link ActiveLeases}. The same API, timeline and
 * self-fencing as the embedded disk-mode client; resources need no creation or index (any name is a resource).
 *
 * <pre>{@code
 * ActiveLeaseClient.Config config = ActiveLeaseClient.Config.of("vms", 7,
 *         List.of(agentA, agentB, agentC), AgentKey.load(Path.of("/etc/dplock/agent.key")));
 * try (LeaseClient client = ActiveLeaseClient.open(config);
 *      Lease lease = client.acquire(ResourceId.parse("vms/disk-17"), LeaseOptions.EXCLUSIVE)) {
 *     ... use the resource, passing lease.fence() to storage ...
 * }
 * }</pre>
 *
 * <p>Agents must have room: a resource slot per host id that joins (its heartbeat) and per resource used.
 */
public final class ActiveLeaseClient extends LeaseClientBase {

    /**
     * @param lockspace the lockspace name
     * @param hostId    this host's id, 1..65535; unique among the lockspace's live members
     * @param agents    1, 3, 5 or 7 agents, in the same order on every host
     * @param key       the agents' pre-shared key
     * @param timeouts  the timeout profile (every member should use the same)
     * @param identity  this host's unique name
     */
    public record Config(String lockspace, int hostId, List<InetSocketAddress> agents, AgentKey key,
                         LeaseTimeouts timeouts, HostIdentity identity) {
        public Config {
            Objects.requireNonNull(lockspace, "lockspace");
            agents = List.copyOf(agents);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(identity, "identity");
        }

        public static Config of(String lockspace, int hostId, List<InetSocketAddress> agents, AgentKey key)
                throws IOException {
            return new Config(lockspace, hostId, agents, key, LeaseTimeouts.DEFAULT, HostIdentity.local());
        }

        public Config withTimeouts(LeaseTimeouts t) {
            return new Config(lockspace, hostId, agents, key, t, identity);
        }

        public Config withIdentity(HostIdentity i) {
            return new Config(lockspace, hostId, agents, key, timeouts, i);
        }
    }

    private final Config config;
    private final AgentTransport transport;
    private final ThreadedEventLoop loop;
    private final List<AgentClient> connections;
    private final ActiveLockspace lockspace;
    private final ActiveLeases leases;

    private ActiveLeaseClient(Config config, AgentTransport transport, ThreadedEventLoop loop,
            List<AgentClient> connections, ActiveLockspace lockspace) {
        this.config = config;
        this.transport = transport;
        this.loop = loop;
        this.connections = connections;
        this.lockspace = lockspace;
        this.leases = new ActiveLeases(lockspace, ActiveLeases.optionsFor(config.timeouts()), ProcessId.random(),
                RandomSource.seeded(System.nanoTime() ^ config.hostId()));
        startWatchdog("dplock-active-lease-watchdog-" + config.lockspace(), config.timeouts(), leases::heldSnapshot);
    }

    /** Connects to the agents and joins the lockspace; blocks until joined or failed. */
    public static ActiveLeaseClient open(Config config) throws LeaseException, InterruptedException {
        int n = config.agents().size();
        if (n == 0 || n % 2 == 0 || n > 7) {
            throw new LeaseException("an active lockspace needs 1, 3, 5 or 7 agents, got " + n);
        }
        if (config.hostId() < 1 || config.hostId() > 0xffff) {
            throw new LeaseException("host id must be 1..65535, got " + config.hostId());
        }
        String problem = org.diskpaxos.activedisk.AgentLimits.checkResourceName(
                ActiveLockspace.heartbeatName(config.lockspace(), config.hostId()));
        if (problem != null) {
            throw new LeaseException("lockspace name '" + config.lockspace() + "': " + problem);
        }
        AgentTransport transport;
        try {
            transport = AgentTransport.start("dplock-" + config.lockspace() + "-" + config.hostId());
        } catch (IOException e) {
            throw new LeaseException("starting the agent transport: " + e.getMessage(), e);
        }
        ThreadedEventLoop loop = new ThreadedEventLoop("dplock-active-" + config.lockspace());
        List<AgentClient> connections = new ArrayList<>();
        try {
            for (InetSocketAddress a : config.agents()) {
                connections.add(transport.connect(a, config.key(), loop,
                        AgentClientOptions.defaults("host-" + config.hostId())));
            }
            ActiveLockspace lockspace = new ActiveLockspace(config.lockspace(), connections, config.hostId(),
                    config.identity(), config.timeouts(), ProcessId.random());
            CompletableFuture<String> joined = new CompletableFuture<>();
            loop.execute(() -> lockspace.join(joined::complete));
            String failure = joined.get();
            if (failure != null) {
                throw new StorageUnavailableException(failure);
            }
            return new ActiveLeaseClient(config, transport, loop, connections, lockspace);
        } catch (ExecutionException e) {
            closeQuietly(connections, transport, loop);
            throw new LeaseException("joining failed: " + e.getCause(), e.getCause());
        } catch (RuntimeException | LeaseException | InterruptedException e) {
            closeQuietly(connections, transport, loop);
            throw e;
        }
    }

    private static void closeQuietly(List<AgentClient> connections, AgentTransport transport,
            ThreadedEventLoop loop) {
        for (AgentConnection c : connections) {
            c.close();
        }
        transport.close();
        loop.close();
    }

    public Config config() {
        return config;
    }

    public Lockspace.State membership() {
        return lockspace.state();
    }

    public long generation() {
        return lockspace.generation();
    }

    /** Leases held through this client now. */
    public List<ActiveLeases.ActiveLease> held() {
        return leases.heldSnapshot();
    }

    @Override
    public RequestResult request(ResourceId resource, RequestMode mode) throws InterruptedException, LeaseException {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(mode, "mode");
        if (isClosed()) {
            throw new LeaseException("client is closed");
        }
        CompletableFuture<ActiveLeases.RequestOutcome> done = new CompletableFuture<>();
        loop.execute(() -> leases.request(resource, mode, done::complete));
        ActiveLeases.RequestOutcome outcome;
        try {
            outcome = done.get();
        } catch (ExecutionException e) {
            throw new LeaseException(String.valueOf(e.getCause()), e.getCause());
        }
        if (outcome instanceof ActiveLeases.RequestOutcome.Requested r) {
            return new RequestResult(r.lver(), r.holderHostIds());
        }
        throw new LeaseException(((ActiveLeases.RequestOutcome.Failed) outcome).reason());
    }

    @Override
    protected CompletableFuture<Attempt> attempt(ResourceId resource, Duration wait, LeaseOptions options) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(options, "options");
        if (isClosed()) {
            return CompletableFuture.completedFuture(Attempt.failed("client is closed"));
        }
        CompletableFuture<Attempt> done = new CompletableFuture<>();
        long waitNs = Math.min(wait.toNanos(), Duration.ofDays(1).toNanos());
        loop.execute(() -> leases.acquire(resource, options, loop.nowNs() + waitNs, result -> {
            if (result instanceof ActiveLeases.AcquireResult.Acquired a) {
                done.complete(Attempt.acquired(a.lease()));
            } else if (result instanceof ActiveLeases.AcquireResult.Busy b) {
                done.complete(Attempt.busy(b.message(), b.ownerHostId()));
            } else {
                done.complete(Attempt.failed(((ActiveLeases.AcquireResult.Failed) result).message()));
            }
        }));
        return done;
    }

    @Override
    protected void leave(java.util.function.Consumer<String> done) {
        loop.execute(() -> lockspace.leave(done));
    }

    @Override
    protected void closeStorage() {
        closeQuietly(connections, transport, loop);
    }
}
