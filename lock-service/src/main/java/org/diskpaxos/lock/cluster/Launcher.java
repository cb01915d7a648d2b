package org.diskpaxos.lock.cluster;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start another {@code dplock} JVM like this one: the same {@code java}, the project's JVM flags (as this JVM
 * got them from the launcher's argument file or from Surefire), the same class path, and the CLI's main class.
 *
 * @param java      the java executable
 * @param jvmFlags  flags every dplock JVM needs ({@code --add-opens}, ...)
 * @param classPath this JVM's class path (the launcher jar, whose manifest names its libraries, or a test's)
 */
public record Launcher(Path java, List<String> jvmFlags, String classPath) {

    public static final String MAIN_CLASS = "org.diskpaxos.lock.cli.Main";

    /** Flags that make a short-lived JVM (a {@code dplock run} wrapper) start faster: C1 only, a small heap. */
    public static final List<String> CLIENT_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx64m", "-XX:-UsePerfData", "-Xshare:auto");
    /** Flags for a daemon: a small heap and a collector with short pauses on two cores. */
    public static final List<String> DAEMON_FLAGS = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:-UsePerfData");

    public Launcher {
        jvmFlags = List.copyOf(jvmFlags);
    }

    /** This JVM's. */
    public static Launcher current() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Djna")) {
                flags.add(a);
            }
        }
        return new Launcher(Path.of(System.getProperty("java.home"), "bin", "java"), flags,
                System.getProperty("java.class.path"));
    }

    /** The command line of {@code dplock ARGS...} with {@code extraFlags} for the JVM. */
    public List<String> command(List<String> extraFlags, List<String> dplockArgs) {
        List<String> c = new ArrayList<>();
        c.add(java.toString());
        c.addAll(jvmFlags);
        c.addAll(extraFlags);
        c.add("-cp");
        c.add(classPath);
        c.add(MAIN_CLASS);
        c.addAll(dplockArgs);
        return c;
    }
}
