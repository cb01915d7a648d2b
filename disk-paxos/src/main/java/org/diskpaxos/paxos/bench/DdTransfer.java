package org.diskpaxos.paxos.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.bench.Dd;

/**
 * One GNU dd run of {@code count} transfers of {@code lengthBytes} each — synchronous O_DIRECT+O_DSYNC writes of
 * zeros, or O_DIRECT reads — at consecutive places from byte {@code offsetBytes}, and dd's own reported copy time,
 * which dd starts after it has opened its files, so the process start is not counted. Runs on different files can
 * go at once ({@link #runAll}).
 */
final class DdTransfer {
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
        return Dd.unavailableReason();
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
        return Dd.copySeconds(process, command, TIMEOUT_S);
    }

    List<String> command() {
        return new ArrayList<>(command);
    }
}
