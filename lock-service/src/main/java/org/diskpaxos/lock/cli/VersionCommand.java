package org.diskpaxos.lock.cli;

import java.io.PrintStream;

/** {@code dplock version}: the project version and the Java runtime, for bug reports. */
final class VersionCommand implements Command {

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version of dplock and of the Java runtime";
    }

    @Override
    public String help() {
        return "usage: dplock version [--json]\n\nPrints the dplock version and the Java runtime it runs on.";
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("version: unexpected argument '" + args.positional().get(0) + "'");
        }
        String version = version();
        String java = System.getProperty("java.version");
        if (args.flag("json")) {
            out.println("{\"version\":\"" + version + "\",\"java\":\"" + java + "\"}");
        } else {
            out.println("dplock " + version + " (Java " + java + ")");
        }
        return 0;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
