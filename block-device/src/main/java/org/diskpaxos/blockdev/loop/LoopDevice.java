package org.diskpaxos.blockdev.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loop device over a backing file, attached by {@link #attach} ({@code losetup --find --show}) and detached by
 * {@link #close()} ({@code losetup --detach}). Use it in try-with-resources so the device is detached even when
 * the work fails.
 */
public final class LoopDevice implements AutoCloseable {
    /** How long one losetup call may take. */
    static final long LOSETUP_TIMEOUT_S = 30;

    private final Path device;
    private final Path backingFile;
    private boolean detached;

    private LoopDevice(Path device, Path backingFile) {
        this.device = device;
        this.backingFile = backingFile;
    }

    /** Why loop devices cannot be created here (not root, no loop driver, no losetup), or null when they can. */
    public static String unavailableReason() {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            return "creating loop devices needs root (running as " + user + ")";
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no /dev/loop-control: this kernel or container has no loop driver";
        }
        try {
            run(List.of("losetup", "--version"));
        } catch (IOException e) {
            return "losetup is not usable (install util-linux): " + e.getMessage();
        }
        return null;
    }

    /**
     * Attaches {@code backingFile} to a free loop device with the given logical sector size (512 or 4096).
     *
     * @throws IOException losetup failed; the message has its output
     */
    public static LoopDevice attach(Path backingFile, int sectorSizeBytes, boolean readOnly) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("losetup", "--find", "--show", "--sector-size",
                Integer.toString(sectorSizeBytes)));
        if (readOnly) {
            cmd.add("--read-only");
        }
        cmd.add(backingFile.toString());
        String out = run(cmd);
        // losetup may print warnings before the device path; the path is the last line.
        String[] lines = out.trim().split("\n");
        String last = lines[lines.length - 1].trim();
        if (!last.startsWith("/dev/")) {
            throw new IOException(String.join(" ", cmd) + ": printed '" + out.trim() + "' instead of a device path");
        }
        return new LoopDevice(Path.of(last), backingFile);
    }

    public Path device() {
        return device;
    }

    public Path backingFile() {
        return backingFile;
    }

    /** Detaches the device. Safe to call more than once. */
    @Override
    public synchronized void close() throws IOException {
        if (!detached) {
            run(List.of("losetup", "--detach", device.toString()));
            detached = true;
        }
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(LOSETUP_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": did not finish in " + LOSETUP_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit code " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }

    @Override
    public String toString() {
        return device + " (backed by " + backingFile + ")";
    }
}
