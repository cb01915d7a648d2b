package org.diskpaxos.sim.disk;

import java.util.Objects;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * What the stages of one simulated disk share: the scheduler, the disk's randomness (each decorator derives its
 * own stream from it by name), the disk's geometry and where faults are reported.
 */
public record DiskEnv(int diskIndex, DiskGeometry geometry, Scheduler scheduler, Prng prng,
        DiskFaultListener listener) {

    public DiskEnv {
        Objects.requireNonNull(geometry);
        Objects.requireNonNull(scheduler);
        Objects.requireNonNull(prng);
        Objects.requireNonNull(listener);
    }

    /** Traces and reports one injected fault. */
    void report(DiskFaultKind kind, long detail, DiskFaultEvent event) {
        scheduler.trace().record(TraceKind.DISK_FAULT, scheduler.nowNs(), diskIndex, kind.ordinal(), detail);
        listener.onFault(event);
    }
}
