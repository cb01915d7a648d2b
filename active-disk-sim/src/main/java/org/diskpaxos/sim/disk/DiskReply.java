package org.diskpaxos.sim.disk;

/** Where a stage reports that it is done with a request; called exactly once per submitted request. */
@FunctionalInterface
public interface DiskReply {
    void done(DiskOutcome outcome);
}
