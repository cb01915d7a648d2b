package org.diskpaxos.sim.fault;

import java.util.List;
import org.diskpaxos.sim.disk.SimDisk;
import org.diskpaxos.sim.host.SimHost;
import org.diskpaxos.sim.net.SimNetwork;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * Applies a {@link FaultPlan}'s timed faults to the hosts, disks and network at their virtual instants, and heals
 * transient faults at the plan's heal time.
 *
 * <p>Windows of the same kind on the same component may overlap: a component is stopped while at least one of its
 * windows is open (a depth count per component), so an early window closing does not end a later one.
 */
public final class Nemesis {
    private final Scheduler scheduler;
    private final List<SimHost> hosts;
    private final List<SimDisk> disks;
    private final SimNetwork network;
    private final FaultPlan plan;
    private final int[] pauseDepth;
    private final int[] stopDepth;
    private final int[][] cutDepth;
    private final int[][] partitionDepth;

    private Nemesis(Scheduler scheduler, List<SimHost> hosts, List<SimDisk> disks, SimNetwork network,
            FaultPlan plan) {
        this.scheduler = scheduler;
        this.hosts = hosts;
        this.disks = disks;
        this.network = network;
        this.plan = plan;
        this.pauseDepth = new int[hosts.size()];
        this.stopDepth = new int[disks.size()];
        this.cutDepth = new int[hosts.size()][disks.size()];
        this.partitionDepth = new int[hosts.size()][hosts.size()];
    }

    /** Schedules every fault of {@code plan} and the heal. */
    public static void install(Scheduler scheduler, List<SimHost> hosts, List<SimDisk> disks, SimNetwork network,
            FaultPlan plan) {
        Nemesis nemesis = new Nemesis(scheduler, hosts, disks, network, plan);
        for (TimedFault fault : plan.events()) {
            nemesis.schedule(fault);
        }
        scheduler.at(plan.healAtNs(), nemesis::heal);
    }

    private void schedule(TimedFault fault) {
        scheduler.at(fault.atNs(), () -> open(fault));
        if (fault.endNs() != fault.atNs() && fault.endNs() != TimedFault.FOREVER) {
            scheduler.at(fault.endNs(), () -> close(fault));
        }
    }

    private void open(TimedFault fault) {
        if (fault instanceof TimedFault.Crash c) {
            hosts.get(c.host()).crash();
        } else if (fault instanceof TimedFault.Restart r) {
            if (!hosts.get(r.host()).isUp()) {
                hosts.get(r.host()).restart();
            }
        } else if (fault instanceof TimedFault.Pause p) {
            if (pauseDepth[p.host()]++ == 0) {
                hosts.get(p.host()).pause();
            }
        } else if (fault instanceof TimedFault.Drift d) {
            hosts.get(d.host()).setDriftPpm(d.driftPpm());
        } else if (fault instanceof TimedFault.ClockStep s) {
            hosts.get(s.host()).stepClock(s.stepNs());
        } else if (fault instanceof TimedFault.DiskStop s) {
            if (stopDepth[s.disk()]++ == 0) {
                disks.get(s.disk()).stopAnswering();
            }
        } else if (fault instanceof TimedFault.PowerLoss p) {
            disks.get(p.disk()).powerLoss(p.mode());
        } else if (fault instanceof TimedFault.CutOff c) {
            if (cutDepth[c.host()][c.disk()]++ == 0) {
                disks.get(c.disk()).cutOff(c.host());
            }
        } else if (fault instanceof TimedFault.Partition p) {
            if (partitionDepth[p.hostA()][p.hostB()]++ == 0) {
                network.partition(p.hostA(), p.hostB());
            }
        }
    }

    private void close(TimedFault fault) {
        if (fault instanceof TimedFault.Pause p) {
            if (--pauseDepth[p.host()] == 0) {
                hosts.get(p.host()).resume();
            }
        } else if (fault instanceof TimedFault.DiskStop s) {
            if (--stopDepth[s.disk()] == 0) {
                disks.get(s.disk()).resumeAnswering();
            }
        } else if (fault instanceof TimedFault.CutOff c) {
            if (--cutDepth[c.host()][c.disk()] == 0) {
                disks.get(c.disk()).reconnect(c.host());
            }
        } else if (fault instanceof TimedFault.Partition p) {
            if (--partitionDepth[p.hostA()][p.hostB()] == 0 && partitionDepth[p.hostB()][p.hostA()] == 0) {
                network.heal(p.hostA(), p.hostB());
            }
        }
    }

    /** The liveness phase starts: transient faults stop on the disks not counted as faulty, and on the network. */
    private void heal() {
        scheduler.trace().record(TraceKind.HEAL, scheduler.nowNs(), 0, plan.tolerance().ordinal(), 0);
        for (SimDisk disk : disks) {
            if (!plan.isFaultyDisk(disk.index())) {
                disk.healTransientFaults();
            }
        }
        network.stopLossAndDuplication();
    }
}
