package org.diskpaxos.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.CheckerRegistry;
import org.diskpaxos.sim.check.InvariantViolation;
import org.diskpaxos.sim.check.VirtualTimeChecker;
import org.diskpaxos.sim.disk.CrashDropDisk;
import org.diskpaxos.sim.disk.DiskFaultEvent;
import org.diskpaxos.sim.disk.DiskFaultListener;
import org.diskpaxos.sim.disk.SimDisk;
import org.diskpaxos.sim.fault.FaultPlan;
import org.diskpaxos.sim.fault.Nemesis;
import org.diskpaxos.sim.host.HostClock;
import org.diskpaxos.sim.host.SimHost;
import org.diskpaxos.sim.net.SimNetwork;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;

/**
 * One simulated run: the scheduler and trace, the hosts, disks and network of a {@link Topology}, configured by a
 * {@link FaultPlan}, and the checkers that run after every event. Everything random is derived from the seed:
 * disk {@code d} uses {@code derive("disk", d)}, the network {@code derive("network")}, host {@code h}'s
 * incarnation {@code i} {@code derive("host/h", i)}.
 *
 * <p>Usage: construct, register checkers and listeners (a {@link Workload}'s {@code install}), {@link #start},
 * then {@link #runUntil}. A broken invariant surfaces as {@link InvariantViolation} from {@code runUntil}.
 */
public final class Simulation implements CheckContext {
    /** Default limit on events per run: a run that needs more is looping without making virtual time pass. */
    public static final long EVENTS_MAX_DEFAULT = 200_000_000L;

    private final long seed;
    private final Prng root;
    private final Topology topology;
    private final FaultPlan plan;
    private final EventTrace trace = new EventTrace();
    private final Scheduler scheduler = new Scheduler(trace);
    private final List<SimHost> hosts = new ArrayList<>();
    private final List<SimDisk> disks = new ArrayList<>();
    private final SimNetwork network;
    private final CheckerRegistry checkers = new CheckerRegistry();
    private final List<DiskFaultListener> faultListeners = new ArrayList<>();
    private long eventsMax = EVENTS_MAX_DEFAULT;
    private boolean started;

    public Simulation(long seed, Topology topology, FaultPlan plan) {
        this.seed = seed;
        this.root = new Prng(seed);
        this.topology = Objects.requireNonNull(topology);
        this.plan = Objects.requireNonNull(plan);
        if (plan.disks().size() != topology.diskCount() || plan.clockStartNs().size() != topology.hostCount()) {
            throw new IllegalArgumentException("the fault plan was drawn for another topology");
        }
        for (int h = 0; h < topology.hostCount(); h++) {
            HostClock clock = new HostClock(0, plan.clockStartNs().get(h));
            clock.setDriftPpm(0, plan.driftPpm().get(h));
            hosts.add(new SimHost(h, scheduler, clock));
        }
        for (int d = 0; d < topology.diskCount(); d++) {
            disks.add(new SimDisk(d, topology.diskGeometry(), plan.disks().get(d), scheduler, root.derive("disk", d),
                    this::fanOutFault, new CrashDropDisk.HostLiveness() {
                        @Override
                        public boolean isAlive(int host, int incarnation) {
                            return hosts.get(host).isAlive(incarnation);
                        }

                        @Override
                        public boolean restartedSince(int host, int incarnation) {
                            return hosts.get(host).incarnation() > incarnation;
                        }
                    }));
        }
        network = new SimNetwork(scheduler, root.derive("network"), topology.hostCount(), plan.network());
        checkers.register(new VirtualTimeChecker());
    }

    private void fanOutFault(DiskFaultEvent event) {
        for (DiskFaultListener l : faultListeners) {
            l.onFault(event);
        }
    }

    /** Tells {@code listener} about every injected disk fault. */
    public void addFaultListener(DiskFaultListener listener) {
        faultListeners.add(Objects.requireNonNull(listener));
    }

    /** Installs the fault plan and starts every host; {@code onHostStart} runs on each new incarnation's loop. */
    public void start(Consumer<HostContext> onHostStart) {
        if (started) {
            throw new IllegalStateException("simulation already started");
        }
        started = true;
        Nemesis.install(scheduler, hosts, disks, network, plan);
        for (SimHost host : hosts) {
            host.setStartListener(h -> onHostStart.accept(contextFor(h)));
            host.start();
        }
    }

    private HostContext contextFor(SimHost host) {
        List<AsyncBlockDevice> views = new ArrayList<>(disks.size());
        for (SimDisk disk : disks) {
            views.add(disk.viewFor(host));
        }
        return new HostContext(host.index(), host.incarnation(), host.loop(), views,
                network.endpoint(host.index()), root.derive("host/" + host.index(), host.incarnation()));
    }

    /** Runs events up to virtual time {@code endNs}, checking every invariant after each. */
    public void runUntil(long endNs) {
        while (scheduler.runNext(endNs)) {
            checkers.afterEvent(this);
            if (scheduler.executedCount() >= eventsMax) {
                fail("event-budget", "ran " + eventsMax + " events before reaching " + EventTrace.formatTime(endNs)
                        + ": something schedules work without letting virtual time pass");
            }
        }
        scheduler.advanceTo(Math.max(endNs, scheduler.nowNs()));
    }

    /** Runs the end-of-run validations of every checker. */
    public void checkAtEnd() {
        checkers.atEnd(this);
    }

    @Override
    public void fail(String checker, String message) {
        throw new InvariantViolation(checker, message, scheduler.nowNs(), scheduler.executedCount());
    }

    @Override
    public long nowNs() {
        return scheduler.nowNs();
    }

    @Override
    public long eventCount() {
        return scheduler.executedCount();
    }

    public void setEventsMax(long eventsMax) {
        if (eventsMax < 1) {
            throw new IllegalArgumentException("events max must be positive");
        }
        this.eventsMax = eventsMax;
    }

    public long seed() {
        return seed;
    }

    /** A random stream for {@code label}, independent of every component's. */
    public Prng prng(String label) {
        return root.derive("workload/" + label);
    }

    public Topology topology() {
        return topology;
    }

    public FaultPlan plan() {
        return plan;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public EventTrace trace() {
        return trace;
    }

    public SimHost host(int index) {
        return hosts.get(index);
    }

    public List<SimHost> hosts() {
        return List.copyOf(hosts);
    }

    public SimDisk disk(int index) {
        return disks.get(index);
    }

    public List<SimDisk> disks() {
        return List.copyOf(disks);
    }

    public SimNetwork network() {
        return network;
    }

    public CheckerRegistry checkers() {
        return checkers;
    }
}
