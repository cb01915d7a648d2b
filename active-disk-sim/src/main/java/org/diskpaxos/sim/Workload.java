package org.diskpaxos.sim;

import org.diskpaxos.sim.fault.ToleranceSpec;

/**
 * What runs on the simulated cluster: a protocol driver per host plus the checkers that judge it. Later modules
 * plug protocols in by implementing this and a {@link WorkloadFactory}.
 *
 * <p>Life of a run: {@link #topology()} and {@link #tolerance} shape the fault plan; {@link #install} is called
 * once, before any event, to register checkers and fault listeners; {@link #onHostStart} runs as the first task
 * on each host's loop, at start and after every restart (state from an earlier incarnation must not be reused);
 * in runs within tolerance, {@link #livenessFailure} is asked at the end whether progress was made after the heal.
 */
public interface Workload {

    /** Hosts, disks and disk geometry this workload needs. */
    Topology topology();

    /** What the protocol claims to survive; Disk Paxos' majority of disks by default. */
    default ToleranceSpec tolerance(Topology topology) {
        return ToleranceSpec.diskMajority(topology);
    }

    /** Registers checkers and listeners; called once before the run starts. */
    void install(Simulation simulation);

    /** Starts the host's driver; runs on {@code host.loop()}. */
    void onHostStart(HostContext host);

    /**
     * Called at the end of a run within tolerance: null when the workload made the progress it must make after
     * {@code simulation.plan().healAtNs()}, else what is missing.
     */
    default String livenessFailure(Simulation simulation) {
        return null;
    }

    /** One line of workload statistics for the run report. */
    default String summary() {
        return "";
    }
}
