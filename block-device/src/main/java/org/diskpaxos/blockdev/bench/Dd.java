package org.diskpaxos.blockdev.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs GNU dd for the same transfers the benchmark makes and returns dd's own reported copy time, which starts after
 * dd has opened its files, so process start-up is not counted against dd.
 */
public final class Dd {
    private static final Pattern COPIED = Pattern.compile("copied, ([0-9.eE+-]+) s");
    static final long TIMEOUT_S = 120;

    private Dd() {
    }

    /** Whether dd can be run here; null when it can, else the reason. */
    public static String unavailableReason() {
        try {
            Process p = new ProcessBuilder("dd", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "dd --version failed";
        } catch (IOException e) {
            return "dd not found: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Seconds dd spent on {@code count} transfers of {@code op.sizeBytes} starting at block {@code firstBlock}. */
    static double run(Path target, Op op, int count, long firstBlock) throws IOException {
        List<String> cmd = op.write
                ? List.of("dd", "if=/dev/zero", "of=" + target, "bs=" + op.sizeBytes, "count=" + count,
                        "seek=" + firstBlock, "oflag=direct,dsync", "conv=notrunc")
                : List.of("dd", "if=" + target, "of=/dev/null", "bs=" + op.sizeBytes, "count=" + count,
                        "skip=" + firstBlock, "iflag=direct");
        return copySeconds(new ProcessBuilder(cmd).redirectErrorStream(true).start(), cmd, TIMEOUT_S);
    }

    /**
     * Waits up to {@code timeoutS} for {@code process}, a dd started as {@code command}, and returns the copy time
     * dd reported; a dd that failed, hung or printed no time is an error naming its command.
     */
    public static double copySeconds(Process process, List<String> command, long timeoutS) throws IOException {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not finish in " + timeoutS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running dd", e);
        }
        Matcher m = COPIED.matcher(out);
        if (process.exitValue() != 0 || !m.find()) {
            throw new IOException(String.join(" ", command) + ": exit " + process.exitValue() + ": " + out.trim());
        }
        return Double.parseDouble(m.group(1));
    }
}
