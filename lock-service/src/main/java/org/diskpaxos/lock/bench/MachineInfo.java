package org.diskpaxos.lock.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What a benchmark report says about where it ran, and work-directory clean-up. */
final class MachineInfo {
    private MachineInfo() {
    }

    /** The device and file system type holding {@code dir} ({@code df -P -T}), or "unknown". */
    static String diskOf(Path dir) {
        try {
            Process p = new ProcessBuilder("df", "-P", "-T", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "unknown";
            }
            String[] lines = out.trim().split("\n");
            String[] f = lines[lines.length - 1].trim().split("\\s+");
            return f[0] + " (" + f[1] + ")";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The file system type of {@code dir}, or "unknown": to refuse tmpfs, where O_DIRECT timing means nothing. */
    static String fileSystemType(Path dir) {
        String disk = diskOf(dir);
        int open = disk.lastIndexOf('(');
        return open < 0 ? "unknown" : disk.substring(open + 1, disk.length() - 1);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
