package org.diskpaxos.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Whether a loop device is still attached, from {@code losetup --list}. */
final class LoopDeviceStatus {
    private LoopDeviceStatus() {
    }

    static boolean attached(Path device) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("losetup", "--list", "--noheadings", "--output", "NAME").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(String::trim).anyMatch(l -> l.equals(device.toString()));
    }
}
