package org.diskpaxos.activedisk.server;

import java.io.IOException;

/**
 * The agent's device as the server uses it: whole sectors by index, and a sync that makes every completed write
 * durable. Writes need not be durable before {@link #sync()}: the core never replies before the sync.
 */
public interface AgentStorage extends AutoCloseable {

    String name();

    long sizeBytes();

    /** Reads {@code dst.length} bytes (whole sectors) starting at sector {@code sector}. */
    void read(long sector, int sectorSizeBytes, byte[] dst) throws IOException;

    /** Writes {@code src} (whole sectors) starting at sector {@code sector}. */
    void write(long sector, int sectorSizeBytes, byte[] src) throws IOException;

    /** fdatasync: every write completed so far is durable when this returns. */
    void sync() throws IOException;

    /** Syncs done so far (the group-commit tests and the benchmark count them). */
    long syncCount();

    @Override
    void close() throws IOException;
}
