package org.diskpaxos.sim;

import java.util.function.Consumer;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;
import org.diskpaxos.sim.disk.DiskGeometry;

/**
 * A tiny workload for testing the runner: each host ticks every 100 us; a hook can break an invariant, throw, or
 * refuse liveness.
 */
final class ProbeWorkload implements Workload {
    long ticks;
    String failAfterTicks;
    long failAtTick = Long.MAX_VALUE;
    boolean throwInTask;
    String liveness;
    Consumer<Simulation> onInstall = sim -> { };

    static WorkloadFactory factory(Consumer<ProbeWorkload> configure) {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "probe";
            }

            @Override
            public String description() {
                return "test workload";
            }

            @Override
            public long defaultDurationNs() {
                return 50_000_000L;
            }

            @Override
            public Workload create() {
                ProbeWorkload w = new ProbeWorkload();
                configure.accept(w);
                return w;
            }
        };
    }

    @Override
    public Topology topology() {
        return new Topology(2, 1, new DiskGeometry(512, 8));
    }

    @Override
    public void install(Simulation sim) {
        sim.checkers().register(new Checker() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void afterEvent(CheckContext context) {
                if (ticks >= failAtTick) {
                    context.fail(name(), failAfterTicks);
                }
            }
        });
        onInstall.accept(sim);
    }

    @Override
    public void onHostStart(HostContext host) {
        tick(host);
    }

    private void tick(HostContext host) {
        ticks++;
        if (throwInTask && ticks == 5) {
            throw new IllegalStateException("probe blew up");
        }
        host.loop().schedule(100_000, () -> tick(host));
    }

    @Override
    public String livenessFailure(Simulation simulation) {
        return liveness;
    }
}
