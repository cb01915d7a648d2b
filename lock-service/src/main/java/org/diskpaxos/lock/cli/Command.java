package org.diskpaxos.lock.cli;

import java.io.PrintStream;

/** One {@code dplock} subcommand. */
interface Command {

    /** The word typed after {@code dplock}. */
    String name();

    /** One line for {@code dplock --help}. */
    String summary();

    /** The full text of {@code dplock NAME --help}: usage line, then options. */
    String help();

    /** Whether {@code --json} switches the output to JSON; by default, whether {@link #help()} documents it. */
    default boolean printsJson() {
        return help().contains("--json");
    }

    /**
     * Runs the command.
     *
     * @return the process exit code
     * @throws UsageException bad arguments: printed with the usage line, exit code 64
     */
    int run(Args args, PrintStream out, PrintStream err) throws Exception;
}
