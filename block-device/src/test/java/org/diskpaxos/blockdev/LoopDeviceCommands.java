package org.diskpaxos.blockdev;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command for a test (chattr, mkfs, mount); true when it exited 0 within 60 s. */
final class LoopDeviceCommands {
    private LoopDeviceCommands() {
    }

    /**
     * Unmounts {@code mountPoint}, retrying for up to 5 s while it is busy (Chronicle unmaps in the background),
     * then lazily so that a test never leaves a mount behind.
     */
    static void unmount(java.nio.file.Path mountPoint) {
        for (int i = 0; i < 50; i++) {
            if (tryRun(List.of("umount", mountPoint.toString()))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        tryRun(List.of("umount", "--lazy", mountPoint.toString()));
    }

    static boolean tryRun(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes());
            if (p.exitValue() != 0) {
                System.out.println(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.trim());
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
