package org.diskpaxos.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diskpaxos.sim.fault.Tolerance;
import org.diskpaxos.sim.workload.DiskIoWorkload;

/**
 * The simulator's command line, {@code dplock sim} (and {@code java org.diskpaxos.sim.SimMain} with the same
 * options): runs seeds of one protocol's workload, prints one line per seed (its trace hash, events and speed),
 * and for a failing seed the violation, the last events and the command that reproduces it. Exit code 0 when
 * every seed passed, 1 when any failed, 64 for bad arguments.
 */
public final class SimMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_VIOLATION = 1;
    public static final int EXIT_USAGE = 64;
    /** Seeds up to this count get one line each (more with --verbose); failures always do. */
    static final int SEED_LINES_MAX = 200;

    public static final String USAGE = String.join("\n",
            "usage: dplock sim [--protocol NAME] (--seed N | --seeds COUNT [--start N]) [--faults within|beyond]",
            "                  [--duration TIME] [--verbose] [--trace]",
            "",
            "Runs the deterministic disk and network simulator. One seed decides everything: disk latencies and",
            "faults, crashes, pauses, clock drift. The same seed and code give the same run, event for event; each",
            "run ends with a hash of its event trace. A failing seed prints the command that reproduces it.",
            "",
            "  --protocol NAME     workload to run (default disk-io)",
            "  --seed N            run one seed",
            "  --seeds COUNT       run COUNT consecutive seeds, from --start (default 1)",
            "  --faults KIND       within: faults the protocol claims to survive, safety and progress after the",
            "                      heal are checked; beyond: more than that, safety only (default within)",
            "  --duration TIME     virtual time per seed, e.g. 500ms or 2s (default: the workload's)",
            "  --verbose           print each seed's fault plan and workload statistics",
            "  --trace             print every trace record (use with one seed)",
            "",
            "Exit code: 0 all seeds passed, 1 a seed failed, 64 bad arguments.");

    private SimMain() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err, List.of(DiskIoWorkload.factory())));
    }

    /** Parses {@code argv} (the options above) and runs; never exits the JVM. */
    public static int run(String[] argv, PrintStream out, PrintStream err, List<WorkloadFactory> protocols) {
        if (Arrays.asList(argv).contains("--help")) {
            out.println(USAGE + protocolList(protocols));
            return EXIT_OK;
        }
        SimOptions options;
        try {
            options = parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("sim: " + e.getMessage());
            err.println(USAGE.lines().findFirst().orElse(""));
            return EXIT_USAGE;
        }
        return run(options, out, err, protocols);
    }

    /** Runs every seed of {@code options}; returns the exit code. */
    public static int run(SimOptions options, PrintStream out, PrintStream err, List<WorkloadFactory> protocols) {
        WorkloadFactory factory = find(options.protocol(), protocols);
        if (factory == null) {
            err.println("sim: unknown protocol '" + options.protocol() + "'" + protocolList(protocols));
            return EXIT_USAGE;
        }
        long last = options.seedStart() + options.seedCount() - 1;
        out.printf(Locale.ROOT, "simulating %s, faults %s, seeds %d..%d%n", factory.protocol(),
                options.tolerance().cliName(), options.seedStart(), last);
        boolean eachSeed = options.verbose() || options.seedCount() <= SEED_LINES_MAX;
        List<Long> failed = new ArrayList<>();
        long events = 0;
        long wallNs = 0;
        double[] rates = new double[options.seedCount()];
        for (int i = 0; i < options.seedCount(); i++) {
            long seed = options.seedStart() + i;
            RunResult r = SimRunner.run(factory, options, seed, options.traceEvents() ? out::println : null);
            events += r.eventCount();
            wallNs += r.wallNs();
            rates[i] = r.eventsPerMs();
            if (eachSeed || !r.passed()) {
                out.println(seedLine(r));
            }
            if (options.verbose()) {
                out.println("  plan: " + r.plan());
                out.println("  " + r.workloadSummary());
            }
            if (!r.passed()) {
                failed.add(seed);
                out.println(r.failureReport());
            }
        }
        Arrays.sort(rates);
        out.printf(Locale.ROOT, "%d seeds, %d failed%s; %d events in %.1f ms of wall time: %.0f events/ms "
                + "(median seed %.0f events/ms)%n", options.seedCount(), failed.size(),
                failed.isEmpty() ? "" : " " + failed, events, wallNs / 1e6, wallNs == 0 ? 0 : events / (wallNs / 1e6),
                rates[rates.length / 2]);
        return failed.isEmpty() ? EXIT_OK : EXIT_VIOLATION;
    }

    static String seedLine(RunResult r) {
        return String.format(Locale.ROOT, "seed %-6d %-6s %9d events  %.3f s virtual  %6.1f ms wall  %5.0f events/ms"
                + "  trace %s", r.seed(), r.passed() ? "ok" : "FAILED", r.eventCount(), r.virtualNs() / 1e9,
                r.wallNs() / 1e6, r.eventsPerMs(), r.traceHash());
    }

    static SimOptions parse(String[] argv) {
        String protocol = "disk-io";
        Long seed = null;
        Long seeds = null;
        long start = 1;
        Tolerance tolerance = Tolerance.WITHIN;
        long durationNs = 0;
        boolean verbose = false;
        boolean trace = false;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            switch (arg) {
                case "--verbose" -> verbose = true;
                case "--trace" -> trace = true;
                case "--protocol", "--seed", "--seeds", "--start", "--faults", "--duration" -> {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException("option " + arg + " needs a value");
                    }
                    String value = argv[++i];
                    switch (arg) {
                        case "--protocol" -> protocol = value;
                        case "--seed" -> seed = number(arg, value, Long.MIN_VALUE);
                        case "--seeds" -> seeds = number(arg, value, 1);
                        case "--start" -> start = number(arg, value, Long.MIN_VALUE);
                        case "--faults" -> tolerance = Tolerance.parse(value);
                        default -> durationNs = parseDurationNs(value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        return options(protocol, seed, seeds, start, tolerance, durationNs, verbose, trace);
    }

    /** Checks the combination of options; shared with {@code dplock sim}. */
    public static SimOptions options(String protocol, Long seed, Long seeds, long start, Tolerance tolerance,
            long durationNs, boolean verbose, boolean trace) {
        if (seed != null && seeds != null) {
            throw new IllegalArgumentException("give either --seed or --seeds, not both");
        }
        if (seed == null && seeds == null) {
            throw new IllegalArgumentException("give --seed N or --seeds COUNT");
        }
        if (seeds != null && seeds > SimOptions.SEEDS_MAX) {
            throw new IllegalArgumentException("--seeds must be at most " + SimOptions.SEEDS_MAX);
        }
        return seed != null
                ? new SimOptions(protocol, seed, 1, tolerance, durationNs, verbose, trace)
                : new SimOptions(protocol, start, (int) (long) seeds, tolerance, durationNs, verbose, trace);
    }

    private static long number(String option, String value, long min) {
        long n;
        try {
            n = Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + value + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    /** {@code 500ms}, {@code 2s}, {@code 250us}; a bare number is seconds. */
    static long parseDurationNs(String value) {
        String v = value.trim();
        long unit = 1_000_000_000L;
        if (v.endsWith("ms")) {
            unit = 1_000_000L;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1_000L;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        }
        double n;
        try {
            n = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--duration must look like 500ms or 2s, got '" + value + "'");
        }
        if (!(n > 0) || n * unit > SimOptions.DURATION_NS_MAX) {
            throw new IllegalArgumentException("--duration must be positive and at most one hour, got '" + value + "'");
        }
        return Math.round(n * unit);
    }

    private static WorkloadFactory find(String protocol, List<WorkloadFactory> protocols) {
        for (WorkloadFactory f : protocols) {
            if (f.protocol().equals(protocol)) {
                return f;
            }
        }
        return null;
    }

    private static String protocolList(List<WorkloadFactory> protocols) {
        StringBuilder b = new StringBuilder("\n\nprotocols:");
        for (WorkloadFactory f : protocols) {
            b.append(String.format(Locale.ROOT, "%n  %-12s %s", f.protocol(), f.description()));
        }
        return b.toString();
    }
}
