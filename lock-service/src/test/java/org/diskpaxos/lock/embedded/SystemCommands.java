package org.diskpaxos.lock.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** System commands for the storage tests (mkfs, mount, umount): run, bounded in time, output kept for messages. */
final class SystemCommands {
    private SystemCommands() {
    }

    /** Runs {@code cmd}; throws with its output unless it exits 0 within 60 s. */
    static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit code " + p.exitValue() + ": " + out);
        }
    }

    /** Unmounts, retrying while busy for up to 5 s, then lazily, so that no test leaves a mount behind. */
    static void unmount(Path mountPoint) {
        for (int i = 0; i < 50; i++) {
            try {
                run(List.of("umount", mountPoint.toString()));
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            run(List.of("umount", "--lazy", mountPoint.toString()));
        } catch (IOException e) {
            System.err.println("could not unmount " + mountPoint + ": " + e.getMessage());
        }
    }
}
