package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.diskpaxos.sim.SimMain;
import org.diskpaxos.sim.SimOptions;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.fault.Tolerance;
import org.diskpaxos.activedisk.sim.AgentIoWorkload;
import org.diskpaxos.lock.sim.ActiveLeaseWorkload;
import org.diskpaxos.lock.sim.LeaseWorkload;
import org.diskpaxos.paxos.active.sim.ActiveConsensusWorkload;
import org.diskpaxos.paxos.sim.DiskPaxosWorkload;
import org.diskpaxos.sim.workload.DiskIoWorkload;

/**
 * {@code dplock sim}: runs seeds of a protocol's workload on the deterministic simulator
 * ({@link org.diskpaxos.sim.SimMain}). Exit code 1 when a seed breaks an invariant, with the command that
 * reproduces it.
 */
final class SimCommand implements Command, OptionSpec {

    /**
     * The protocols {@code --protocol} accepts: {@code disk-io} (the simulator's own), {@code agent-io} (simulated
     * active-disk agents), {@code disk} (Disk Paxos consensus), {@code active} and {@code active-10k} (Active Disk
     * Paxos consensus over simulated agents, a dozen or 10,000 processes), {@code lease}.
     */
    static List<WorkloadFactory> protocols() {
        return List.of(DiskIoWorkload.factory(), AgentIoWorkload.factory(), DiskPaxosWorkload.factory(),
                ActiveConsensusWorkload.factory(), ActiveConsensusWorkload.largeFactory(), LeaseWorkload.factory(),
                ActiveLeaseWorkload.factory());
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public String summary() {
        return "run the deterministic disk and network simulator over seeds";
    }

    @Override
    public String help() {
        StringBuilder b = new StringBuilder(SimMain.USAGE).append("\n\nprotocols:");
        for (WorkloadFactory f : protocols()) {
            b.append(String.format("%n  %-12s %s", f.protocol(), f.description()));
        }
        return b.toString();
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("protocol", "seed", "seeds", "start", "faults", "duration");
    }

    @Override
    public Set<String> booleanOptions() {
        return Set.of("verbose", "trace");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("sim: unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.flag("json")) {
            throw new UsageException("sim: --json is not supported; the per-seed lines are the output");
        }
        SimOptions options;
        try {
            Long seed = args.has("seed") ? args.longValue("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
            Long seeds = args.has("seeds") ? args.longValue("seeds", 1, 1, SimOptions.SEEDS_MAX) : null;
            long start = args.longValue("start", 1, Long.MIN_VALUE, Long.MAX_VALUE);
            Duration duration = args.duration("duration", Duration.ZERO);
            options = SimMain.options(args.string("protocol", "disk-io"), seed, seeds, start,
                    Tolerance.parse(args.string("faults", "within")), duration.toNanos(), args.flag("verbose"),
                    args.flag("trace"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("sim: " + e.getMessage());
        }
        return SimMain.run(options, out, err, protocols());
    }
}
