package org.diskpaxos.sim.disk;

/**
 * One layer of a simulated disk: the memory medium at the bottom, fault decorators above it, each forwarding to
 * the next. A stage replies exactly once per request, now or at a later virtual instant, and never touches the
 * request's buffer after replying.
 */
public interface DiskStage {
    void submit(DiskRequest request, DiskReply reply);
}
