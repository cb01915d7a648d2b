package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block-device ioctls report a real loop device's size and sector sizes, and O_DIRECT honours them. */
class LoopDeviceIoctlTest {
    private static final int SIZE_BYTES = 8 << 20;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @BeforeAll
    static void needLoopDevices() {
        String reason = Loop.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED LoopDeviceIoctlTest: " + reason);
        }
        assumeTrue(reason == null, reason);
    }

    private Path backing() throws IOException {
        Path f = dir.resolve("loop.img");
        Files.write(f, new byte[SIZE_BYTES]);
        return f;
    }

    @Test
    void ioctlsOnA512ByteSectorLoopDevice() throws IOException {
        Path f = backing();
        try (Loop loop = Loop.attach(f, 512, false);
             NativeFile dev = NativeFile.open(loop.device, EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC));
             AlignedBuffer buf = AlignedBuffer.allocate(512, 512)) {
            assertEquals(SIZE_BYTES, dev.blockDeviceSizeBytes());
            assertEquals(512, dev.logicalSectorSizeBytes());
            assertEquals(loop.queueAttribute("physical_block_size"), dev.physicalSectorSizeBytes());
            assertTrue(dev.physicalSectorSizeBytes() >= 512);

            ByteBuffer b = buf.buffer();
            for (int i = 0; i < 512; i++) {
                b.put(i, (byte) 0xC3);
            }
            assertEquals(512, dev.pwrite(b, 512), "512-byte O_DIRECT write on a 512-byte-sector device");
            dev.fdatasync();
        }
        byte[] onDisk = Files.readAllBytes(f);
        assertEquals(0, onDisk[511]);
        assertEquals((byte) 0xC3, onDisk[512]);
        assertEquals((byte) 0xC3, onDisk[1023]);
        assertEquals(0, onDisk[1024]);
    }

    @Test
    void ioctlsOnA4096ByteSectorLoopDeviceAnd512ByteIoIsEinval() throws IOException {
        Path f = backing();
        try (Loop loop = Loop.attach(f, 4096, false);
             NativeFile dev = NativeFile.open(loop.device, EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC));
             AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            assertEquals(SIZE_BYTES, dev.blockDeviceSizeBytes());
            assertEquals(4096, dev.logicalSectorSizeBytes());
            assertEquals(loop.queueAttribute("physical_block_size"), dev.physicalSectorSizeBytes());
            assertTrue(dev.physicalSectorSizeBytes() >= 4096);

            ByteBuffer small = buf.buffer().limit(512);
            NativeIoException e = assertThrows(NativeIoException.class, () -> dev.pwrite(small, 512));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains(loop.device.toString()), e.getMessage());
        }
        assertTrue(isAllZero(Files.readAllBytes(f)), "the refused write must leave the device untouched");
    }

    @Test
    void readOnlyLoopDeviceRefusesWritesWithEperm() throws IOException {
        // Linux lets O_RDWR open a read-only block device; the refusal comes at the first write.
        Path f = backing();
        try (Loop loop = Loop.attach(f, 512, true);
             NativeFile dev = NativeFile.open(loop.device, EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC));
             AlignedBuffer buf = AlignedBuffer.allocate(512, 512)) {
            assertEquals(SIZE_BYTES, dev.blockDeviceSizeBytes());
            buf.buffer().put(0, (byte) 1);
            NativeIoException e = assertThrows(NativeIoException.class, () -> dev.pwrite(buf.buffer(), 0));
            assertEquals(Errno.EPERM, e.errno());
        }
        assertTrue(isAllZero(Files.readAllBytes(f)), "the refused write must leave the device untouched");
    }

    private static boolean isAllZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
