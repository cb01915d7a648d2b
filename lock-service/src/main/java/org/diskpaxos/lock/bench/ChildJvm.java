package org.diskpaxos.lock.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for another JVM of this project, a "host" of its own: the same {@code java}, the project's JVM flags
 * and a class path, then a main class and its arguments. For the failover benchmark and the multi-process tests.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * A command that runs {@code mainClass} with this JVM's class path and this JVM's project flags (the
     * {@code --add-opens}/{@code --add-exports} and {@code -D} settings the launcher and Surefire pass).
     */
    public static List<String> likeThisJvm(String mainClass, List<String> args) {
        List<String> c = new ArrayList<>();
        c.add(javaExecutable());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Djna")) {
                c.add(a);
            }
        }
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(mainClass);
        c.addAll(args);
        return c;
    }

    /**
     * A command that runs {@code mainClass} as the {@code dplock} launcher runs the CLI: the JVM flags from the
     * launcher's argument file ({@code java @file}) and the given class path.
     *
     * @throws IOException the argument file is missing
     */
    public static List<String> withLauncherFlags(Path jvmArgsFile, String classPath, String mainClass,
            List<String> args) throws IOException {
        if (!Files.isRegularFile(jvmArgsFile)) {
            throw new IOException(jvmArgsFile + ": no such JVM argument file; build the launcher first (mvn package)");
        }
        List<String> c = new ArrayList<>();
        c.add(javaExecutable());
        c.add("@" + jvmArgsFile);
        c.add("-cp");
        c.add(classPath);
        c.add(mainClass);
        c.addAll(args);
        return c;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
