package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/** A storage whose syncs wait while the gate is closed: lets a test keep a batch (and its replies) in flight. */
public class GatedStorage implements AgentStorage {
    private final AgentStorage inner;
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE);
    private volatile boolean closed;

    public GatedStorage(AgentStorage inner) {
        this.inner = inner;
    }

    public void closeGate() {
        gate.acquireUninterruptibly(Integer.MAX_VALUE);
        closed = true;
    }

    public void openGate() {
        if (closed) {
            closed = false;
            gate.release(Integer.MAX_VALUE);
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public long sizeBytes() {
        return inner.sizeBytes();
    }

    @Override
    public void read(long sector, int sectorSizeBytes, byte[] dst) throws IOException {
        inner.read(sector, sectorSizeBytes, dst);
    }

    @Override
    public void write(long sector, int sectorSizeBytes, byte[] src) throws IOException {
        inner.write(sector, sectorSizeBytes, src);
    }

    @Override
    public void sync() throws IOException {
        gate.acquireUninterruptibly();
        gate.release();
        inner.sync();
    }

    @Override
    public long syncCount() {
        return inner.syncCount();
    }

    @Override
    public void close() throws IOException {
        openGate();
        inner.close();
    }
}
