package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code sanlock} binary in direct mode (no daemon) and parses what it prints. Finding it: the PATH,
 * then /usr/sbin and /sbin. Missing binary: a failure in CI ({@code CI} set) or as root (both are expected to have run
 * {@code .ci/run}, which installs it), otherwise the caller's tests are skipped with the reason printed.
 */
final class SanlockTool {
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String output, List<String> command) {
        Result requireSuccess() {
            if (exitCode != 0 || doneCode().orElse(0) != 0) {
                fail("sanlock failed (exit " + exitCode + "): " + String.join(" ", command) + "\n" + output);
            }
            return this;
        }

        /** The "name value" lines after "read_leader done N". */
        Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            boolean started = false;
            for (String line : output.split("\n")) {
                if (line.startsWith("magic ")) {
                    started = true;
                }
                if (started && !line.isBlank()) {
                    int space = line.indexOf(' ');
                    fields.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
                }
            }
            return fields;
        }

        /** The number after "<action> done" (sanlock's return code, e.g. -245), if printed. */
        Optional<Integer> doneCode() {
            for (String line : output.split("\n")) {
                int at = line.indexOf(" done ");
                if (at > 0) {
                    return Optional.of(Integer.parseInt(line.substring(at + 6).trim()));
                }
            }
            return Optional.empty();
        }
    }

    private final Path binary;

    private SanlockTool(Path binary) {
        this.binary = binary;
    }

    /** The tool, or the test is failed (CI, root) or skipped (anyone else) with the reason printed. */
    static SanlockTool requireInstalled() {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return new SanlockTool(found.get());
        }
        String reason = "the sanlock binary is not installed (apt-get install -y sanlock; .ci/run does it)";
        boolean ci = System.getenv("CI") != null && !System.getenv("CI").isBlank();
        if (ci || isRoot()) {
            fail(reason + (ci ? " and CI is set" : " and we are root, so .ci/run could have installed it"));
        }
        System.out.println("SKIPPED sanlock compatibility: " + reason);
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }

    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "sanlock"));
                }
            }
        }
        candidates.addAll(Arrays.asList(Path.of("/usr/sbin/sanlock"), Path.of("/sbin/sanlock")));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return "root".equals(System.getProperty("user.name"));
        }
        return "root".equals(System.getProperty("user.name"));
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(Arrays.asList(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("sanlock did not finish in " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
