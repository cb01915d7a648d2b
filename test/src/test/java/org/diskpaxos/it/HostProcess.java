package org.diskpaxos.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.bench.ChildJvm;

/**
 * A {@link ContendingHost} in its own JVM, started as the {@code dplock} launcher starts the CLI: the launcher's JVM
 * flags ({@code lock-service/target/dplock.jvmargs}) and its jar (whose manifest brings the runtime class path),
 * plus this module's test classes. Standard output and error go to files in the run's directory.
 */
final class HostProcess {
    private static final Path LAUNCHER_DIR = Path.of("..", "lock-service", "target");
    /** Extra flags for a small JVM that starts fast on a 2-CPU machine running several of them. */
    private static final List<String> SMALL_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    final int hostId;
    final Process process;
    final long pid;
    final Path out;
    final Path err;

    private HostProcess(int hostId, Process process, Path out, Path err) {
        this.hostId = hostId;
        this.process = process;
        this.pid = process.pid();
        this.out = out;
        this.err = err;
    }

    /** The end of its standard error, for failure messages. */
    String errorTail() throws IOException {
        List<String> lines = Files.readAllLines(err);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static HostProcess start(Path dir, int hostId, int incarnation, List<String> args) throws IOException {
        List<String> cmd = command(args);
        Path out = dir.resolve("host" + hostId + "-" + incarnation + ".out");
        Path err = dir.resolve("host" + hostId + "-" + incarnation + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new HostProcess(hostId, p, out, err);
    }

    /** The launcher's flags and jar if they are built (mvn package), else this JVM's flags and class path. */
    static List<String> command(List<String> args) throws IOException {
        Path jvmArgs = LAUNCHER_DIR.resolve("dplock.jvmargs");
        Path jar = LAUNCHER_DIR.resolve("dplock.jar");
        List<String> cmd;
        if (Files.isRegularFile(jvmArgs) && Files.isRegularFile(jar)) {
            String classPath = Path.of("target", "test-classes").toAbsolutePath() + java.io.File.pathSeparator
                    + jar.toAbsolutePath();
            cmd = ChildJvm.withLauncherFlags(jvmArgs.toAbsolutePath(), classPath, ContendingHost.class.getName(),
                    args);
        } else {
            cmd = ChildJvm.likeThisJvm(ContendingHost.class.getName(), args);
        }
        List<String> withSmallJvm = new ArrayList<>(cmd.subList(0, 1));
        withSmallJvm.addAll(SMALL_JVM);
        withSmallJvm.addAll(cmd.subList(1, cmd.size()));
        return withSmallJvm;
    }

    boolean printed(String prefix) throws IOException {
        return Files.readAllLines(out).stream().anyMatch(l -> l.startsWith(prefix));
    }

    /** The increments the storage accepted, as the process reported at its normal end; null if it did not. */
    Long acks() throws IOException {
        for (String l : Files.readAllLines(out)) {
            if (l.startsWith("ACKS ")) {
                return Long.parseLong(l.substring(5).trim());
            }
        }
        return null;
    }

    /** SIGKILL, and wait until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("host " + hostId + " (pid " + pid + ") survived SIGKILL");
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid + " failed");
        }
    }
}
