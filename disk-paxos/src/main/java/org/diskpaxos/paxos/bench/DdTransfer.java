package org.diskpaxos.paxos.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GNU dd run of {@code count} transfers of {@code lengthBytes} each — synchronous O_DIRECT+O_DSYNC writes of
 * zeros, or O_DIRECT reads — at consecutive places from byte {@code offsetBytes}, and dd's own reported copy time,
 * which dd starts after it has opened its files, so the process start is not counted. Runs on different files can
 * go at once ({@link #runAll}).
 */
final class DdTransfer {
    private static final Pattern COPIED = Pattern.compile("copied, ([0-9.eE+-]+) s");
    static final long TIMEOUT_S = 60;

    private final List<String> command;
    private Process process;

    DdTransfer(Path file, boolean write, long offsetBytes, int lengthBytes, int count) {
        command = write
                ? List.of("dd", "if=/dev/zero", "of=" + file, "bs=" + lengthBytes, "count=" + count,
                        "seek=" + offsetBytes, "oflag=direct,dsync,seek_bytes", "conv=notrunc")
                : List.of("dd", "if=" + file, "of=/dev/null", "bs=" + lengthBytes, "count=" + count,
                        "skip=" + offsetBytes, "iflag=direct,skip_bytes");
    }

    /** Whether dd can be run here; null when it can, else the reason. */
    static String unavailableReason() {
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

    /** Starts every run, then waits for all; returns dd's reported seconds for each, in order. */
    static double[] runAll(List<DdTransfer> transfers) throws IOException {
        for (DdTransfer t : transfers) {
            t.process = new ProcessBuilder(t.command).redirectErrorStream(true).start();
        }
        double[] seconds = new double[transfers.size()];
        IOException failure = null;
        for (int i = 0; i < transfers.size(); i++) {
            try {
                seconds[i] = transfers.get(i).finish();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return seconds;
    }

    private double finish() throws IOException {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not finish in " + TIMEOUT_S + " s");
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

    List<String> command() {
        return new ArrayList<>(command);
    }
}
