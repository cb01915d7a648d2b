package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code dplock}: the one command-line entry point. Each subcommand is a {@link Command}; this class finds it,
 * turns usage errors into exit code 64 and failures into a one-line message and exit code 1.
 */
public final class Main {

    /** sysexits.h EX_USAGE. */
    static final int EXIT_USAGE = 64;
    static final int EXIT_FAILURE = 1;

    private Main() {
    }

    static List<Command> commands() {
        return List.of(new InitCommand(), new DaemonCommand(), new StatusCommand(), new RunCommand(),
                new AcquireCommand(), new ReleaseCommand(), new ExampleCommand(), new BenchCommand(),
                new AgentCommand(), new AgentKeyCommand(), new SimCommand(), new BenchIoCommand(),
                new BenchPaxosCommand(), new AgentBenchCommand(), new VersionCommand());
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command line; returns the exit code. Never calls {@link System#exit}. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            printUsage(argv.length == 0 ? err : out);
            return argv.length == 0 ? EXIT_USAGE : 0;
        }
        Command command = find(argv[0]);
        if (command == null) {
            err.println("dplock: unknown command '" + argv[0] + "'; run dplock --help for the list");
            return EXIT_USAGE;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help") && !Arrays.asList(rest).contains("--")
                || rest.length > 0 && rest[0].equals("--help")) {
            out.println(command.help());
            return 0;
        }
        try {
            return command.run(argsFor(command, rest), out, err);
        } catch (UsageException e) {
            err.println("dplock " + e.getMessage());
            return EXIT_USAGE;
        } catch (Exception e) {
            err.println("dplock " + command.name() + ": " + describe(e));
            return EXIT_FAILURE;
        }
    }

    private static Args argsFor(Command command, String[] rest) throws UsageException {
        if (command instanceof OptionSpec spec) {
            return Args.parse(command.name(), rest, spec.valuedOptions(), spec.booleanOptions());
        }
        return Args.parse(command.name(), rest, java.util.Set.of(), java.util.Set.of());
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static Command find(String name) {
        for (Command c : commands()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static void printUsage(PrintStream out) {
        out.println("usage: dplock COMMAND [OPTIONS]");
        out.println();
        out.println("Disk Paxos leases and locks through shared storage, with no server in the middle.");
        out.println();
        out.println("commands:");
        for (Command c : commands()) {
            out.printf("  %-12s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("Run 'dplock COMMAND --help' for a command's options.");
    }
}
