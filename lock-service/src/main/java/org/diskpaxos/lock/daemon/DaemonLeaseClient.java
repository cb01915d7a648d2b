package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.LeaseUnavailableException;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.api.StorageUnavailableException;

/**
 * The {@link LeaseClient} of a process on a host that runs the lock daemon: same interface as the embedded client,
 * leases held through the daemon. The connection is this process's registration: if it breaks, the daemon
 * releases its leases, and they turn LOST here.
 *
 * <p>Each lease's validity is read from the daemon's {@link ValidityFile} on this process's own clock (the host's
 * monotonic clock, shared with the daemon): a watchdog thread turns leases LOST on that deadline even if the daemon
 * is paused and cannot say so.
 */
public final class DaemonLeaseClient implements LeaseClient {

    private final DaemonConnection connection;
    private final ValidityFile validity;
    private final Map<String, DaemonLease> held = new ConcurrentHashMap<>();
    private final Thread watchdog;
    private volatile boolean closed;

    private DaemonLeaseClient(DaemonConnection connection, ValidityFile validity) {
        this.connection = connection;
        this.validity = validity;
        this.watchdog = new Thread(this::watch, "dplock-daemon-client-watchdog");
        this.watchdog.setDaemon(true);
    }

    /** Connects to the daemon at {@code socket}. */
    public static DaemonLeaseClient connect(Path socket, String clientName) throws IOException {
        DaemonLeaseClient[] self = new DaemonLeaseClient[1];
        DaemonConnection c = DaemonConnection.open(socket, clientName, event -> {
            if (self[0] != null) {
                self[0].onEvent(event);
            }
        });
        ValidityFile v;
        try {
            v = ValidityFile.open(ValidityFile.pathFor(socket));
        } catch (IOException e) {
            c.close();
            throw e;
        }
        self[0] = new DaemonLeaseClient(c, v);
        self[0].watchdog.start();
        return self[0];
    }

    private void onEvent(Frame event) {
        String kind = event.get("event", "");
        if (kind.equals("LEASE_LOST")) {
            DaemonLease l = held.remove(event.get("resource", ""));
            if (l != null) {
                l.lost.complete(event.get("reason", "lost"));
            }
        } else if (kind.equals("DISCONNECTED")) {
            for (DaemonLease l : held.values()) {
                l.lost.complete("the connection to the daemon broke: " + event.get("reason", ""));
            }
            held.clear();
        }
    }

    private void watch() {
        while (!closed) {
            for (DaemonLease l : held.values()) {
                l.state();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public Lease acquire(ResourceId resource, LeaseOptions options) throws InterruptedException, LeaseException {
        while (true) {
            Optional<Lease> l = tryAcquire(resource, Duration.ofDays(1), options);
            if (l.isPresent()) {
                return l.get();
            }
        }
    }

    @Override
    public Optional<Lease> tryAcquire(ResourceId resource, Duration wait, LeaseOptions options)
            throws InterruptedException, LeaseException {
        CompletableFuture<Frame> reply = request(resource, wait, options, ProcessHandle.current().pid());
        Frame f;
        try {
            f = reply.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new LeaseException(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            reply.thenAccept(this::releaseIfAcquired);
            throw e;
        }
        return outcome(resource, options, f);
    }

    private void releaseIfAcquired(Frame f) {
        if (f.type() == Frame.Type.OK) {
            connection.request(Frame.of(Frame.Type.RELEASE, 0, "resource", f.get("resource", "")));
        }
    }

    private Optional<Lease> outcome(ResourceId resource, LeaseOptions options, Frame f) throws LeaseException {
        switch (f.type()) {
            case OK -> {
                DaemonLease l = new DaemonLease(resource, options.mode(), Long.parseLong(f.get("fence", "0")));
                held.put(resource.toString(), l);
                return Optional.of(l);
            }
            case BUSY -> {
                return Optional.empty();
            }
            default -> throw new StorageUnavailableException(f.get("error", "acquire failed"));
        }
    }

    /** Sends ACQUIRE naming {@code victimPid} as the process to stop if the lease is lost. */
    CompletableFuture<Frame> request(ResourceId resource, Duration wait, LeaseOptions options, long victimPid) {
        return connection.request(Frame.of(Frame.Type.ACQUIRE, 0, "resource", resource.toString(), "mode",
                options.mode().toString(), "timeout_ms", String.valueOf(Math.min(wait.toMillis(), 86_400_000L)),
                "pid", String.valueOf(victimPid)));
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(ResourceId resource, LeaseOptions options) {
        CompletableFuture<Lease> out = new CompletableFuture<>();
        request(resource, Duration.ofDays(1), options, ProcessHandle.current().pid()).thenAccept(f -> {
            try {
                Optional<Lease> l = outcome(resource, options, f);
                if (l.isEmpty()) {
                    out.completeExceptionally(new LeaseUnavailableException(resource + " is held by another host", 0));
                } else if (!out.complete(l.get())) {
                    l.get().releaseAsync();
                }
            } catch (LeaseException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        for (DaemonLease l : held.values()) {
            l.release();
        }
        connection.close();
        try {
            validity.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A lease held through the daemon. */
    private final class DaemonLease implements Lease {
        private final ResourceId resource;
        private final LeaseMode mode;
        private final long fence;
        final CompletableFuture<String> lost = new CompletableFuture<>();
        private volatile boolean released;

        DaemonLease(ResourceId resource, LeaseMode mode, long fence) {
            this.resource = resource;
            this.mode = mode;
            this.fence = fence;
        }

        @Override
        public ResourceId resource() {
            return resource;
        }

        @Override
        public LeaseMode mode() {
            return mode;
        }

        @Override
        public long fence() {
            return fence;
        }

        @Override
        public LeaseState state() {
            if (released) {
                return LeaseState.RELEASED;
            }
            if (lost.isDone()) {
                return LeaseState.LOST;
            }
            long until = validUntilNanos();
            long now = System.nanoTime();
            if (until == 0 || now >= until) {
                lost.complete("the host's liveness lease was not renewed in time (deadline passed)");
                return LeaseState.LOST;
            }
            return LeaseState.HELD;
        }

        @Override
        public long validUntilNanos() {
            return validity.validUntilNs(resource.lockspace());
        }

        @Override
        public void checkValid() throws LeaseLostException {
            LeaseState s = state();
            if (s == LeaseState.LOST || s == LeaseState.RELEASED) {
                throw new LeaseLostException(resource + " (fence " + fence + ") is " + s);
            }
        }

        @Override
        public CompletableFuture<String> lost() {
            return lost;
        }

        @Override
        public CompletableFuture<ReleaseResult> releaseAsync() {
            if (released) {
                return CompletableFuture.completedFuture(ReleaseResult.ALREADY_RELEASED);
            }
            if (state() == LeaseState.LOST) {
                return CompletableFuture.completedFuture(ReleaseResult.ALREADY_LOST);
            }
            released = true;
            held.remove(resource.toString(), this);
            return connection.request(Frame.of(Frame.Type.RELEASE, 0, "resource", resource.toString()))
                    .thenApply(f -> f.type() == Frame.Type.OK
                            ? ReleaseResult.valueOf(f.get("result", "RELEASED")) : ReleaseResult.RELEASED_LOCALLY);
        }

        @Override
        public ReleaseResult release() {
            try {
                return releaseAsync().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ReleaseResult.RELEASED_LOCALLY;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return ReleaseResult.RELEASED_LOCALLY;
            }
        }

        @Override
        public void close() {
            release();
        }
    }
}
