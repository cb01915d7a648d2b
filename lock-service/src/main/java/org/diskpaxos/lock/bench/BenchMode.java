package org.diskpaxos.lock.bench;

import java.nio.file.Path;
import java.util.List;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.LeaseTimeouts;

/**
 * Where the benchmark's leases live: sets up a lockspace of a given layout with some resources and hands back a
 * joined {@link LeaseClient}. The measuring code ({@link LeaseBenchmark}) only talks to the {@code LeaseClient}, so
 * a mode is all another lease backend needs: {@code disk} ({@link DiskBenchMode}), {@code daemon} (the same through a
 * lock daemon's socket, {@link DaemonBenchMode}), {@code active-lease} (leases over active-disk agents,
 * {@link ActiveLeaseBenchMode}).
 */
public interface BenchMode {

    /** The {@code --mode} value. */
    String name();

    /**
     * Creates and formats storage for {@code layout} under {@code workDir} (which the caller deletes afterwards), with
     * {@code resources} resources, and joins it as one host.
     */
    Setup open(BenchLayout layout, int resources, LeaseTimeouts timeouts, Path workDir) throws Exception;

    /** A joined lockspace ready to measure; closing it leaves the lockspace and closes the storage. */
    interface Setup extends AutoCloseable {
        LeaseClient client();

        /** The resources created, each usable by one thread at a time. */
        List<ResourceId> resources();

        /** The bare I/O of an acquire and a release on this storage, for reference; null if the mode has none. */
        default IoFloor ioFloor() {
            return null;
        }

        @Override
        void close();
    }

    /** Times the I/O an acquire and a release need, without any lease logic. */
    interface IoFloor extends AutoCloseable {
        /** One acquire's and one release's I/O: {@code {acquireNs, releaseNs}}. */
        long[] cycle() throws java.io.IOException;

        @Override
        void close();
    }

    /** The modes {@code dplock bench --mode} accepts. */
    static List<String> names() {
        return List.of(DiskBenchMode.NAME, DaemonBenchMode.NAME, ActiveLeaseBenchMode.NAME);
    }

    /** The mode called {@code name}. */
    static BenchMode byName(String name) {
        if (name.equals(DiskBenchMode.NAME)) {
            return new DiskBenchMode();
        }
        if (name.equals(DaemonBenchMode.NAME)) {
            return new DaemonBenchMode();
        }
        if (name.equals(ActiveLeaseBenchMode.NAME)) {
            return new ActiveLeaseBenchMode();
        }
        throw new IllegalArgumentException("unknown mode '" + name + "'; known: " + String.join(", ", names()));
    }
}
