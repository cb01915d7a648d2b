package org.diskpaxos.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mapped device maps its file while open, unmaps it on close, and its writes reach the file without growing it. */
class MappedBlockDeviceTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private static long mappingsOf(Path file) throws IOException {
        String name = file.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }

    @Test
    void closeUnmapsTheFile() throws IOException {
        Path f = dir.resolve("mapped.img");
        Files.write(f, new byte[64 * 1024]);
        try (BlockDevice dev = BlockDevices.open(f, BlockDeviceOptions.mapped())) {
            assertEquals(1, mappingsOf(f), "mapped while open");
            ByteBuffer b = ByteBuffer.allocate(4096);
            b.put(0, (byte) 7);
            dev.write(8192, b);
            dev.sync();
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (mappingsOf(f) > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, mappingsOf(f), "still mapped after close");
        assertEquals(64 * 1024, Files.size(f));
        assertTrue(Files.readAllBytes(f)[8192] == 7);
    }
}
