package org.diskpaxos.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A loop device attached with losetup for one test and detached by close(), even when the test fails. */
final class Loop implements AutoCloseable {
    final Path device;

    private Loop(Path device) {
        this.device = device;
    }

    /** Why loop devices cannot be made here, or null when they can. */
    static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "loop-device tests need root (running as " + System.getProperty("user.name") + ")";
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no /dev/loop-control: this kernel or container has no loop driver";
        }
        try {
            run(List.of("losetup", "--version"));
        } catch (IOException e) {
            return "losetup is not installed (package util-linux): " + e.getMessage();
        }
        return null;
    }

    static Loop attach(Path backingFile, int sectorSizeBytes, boolean readOnly) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("losetup", "--find", "--show", "--sector-size",
                Integer.toString(sectorSizeBytes)));
        if (readOnly) {
            cmd.add("--read-only");
        }
        cmd.add(backingFile.toString());
        return new Loop(Path.of(run(cmd).trim()));
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + cmd, e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " exited " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }

    /** A sysfs attribute of this device's queue, such as {@code physical_block_size}. */
    int queueAttribute(String name) throws IOException {
        Path f = Path.of("/sys/block", device.getFileName().toString(), "queue", name);
        return Integer.parseInt(Files.readString(f).trim());
    }

    @Override
    public void close() throws IOException {
        run(List.of("losetup", "--detach", device.toString()));
    }
}
