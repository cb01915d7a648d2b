package org.diskpaxos.sim.disk;

/** Told about every fault a simulated disk injects, at the virtual instant it is decided. */
@FunctionalInterface
public interface DiskFaultListener {
    DiskFaultListener NONE = event -> { };

    void onFault(DiskFaultEvent event);
}
