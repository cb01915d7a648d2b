package org.diskpaxos.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to opening and I/O gets an error naming the path and the problem, and leaves the bytes on disk exactly
 * as they were: missing path, no permission, read-only device and file, a sector size the storage cannot do, a file
 * too small for its region, a file system without O_DIRECT, and a mapped file shrunk underneath.
 */
class BadInputTest {
    private static final int SIZE_BYTES = 64 * 1024;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private Path file(String name, int sizeBytes) throws IOException {
        Path f = dir.resolve(name);
        byte[] b = new byte[sizeBytes];
        new Random(sizeBytes).nextBytes(b);
        Files.write(f, b);
        return f;
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
        }
    }

    private static void needLoopDevices() {
        String reason = LoopDevice.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED loop-device case of BadInputTest: " + reason);
        }
        assumeTrue(reason == null, reason);
    }

    @Test
    void missingPathIsNamedAndNotCreated() {
        Path missing = dir.resolve("no-such-lockspace");
        for (BlockDeviceOptions o : List.of(BlockDeviceOptions.direct(), BlockDeviceOptions.mapped())) {
            IOException e = assertThrows(IOException.class, () -> BlockDevices.open(missing, o));
            assertMessage(e, missing.toString(), "no such file");
            assertFalse(Files.exists(missing), "opening must not create " + missing);
        }
    }

    @Test
    void noPermissionIsNamedForRootWithoutDacOverride() throws Exception {
        // Root ignores permission bits; dropping CAP_DAC_OVERRIDE on one thread makes the check real.
        Path f = file("locked.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        for (BlockDeviceOptions o : List.of(BlockDeviceOptions.direct(), BlockDeviceOptions.mapped())) {
            IOException e = Capabilities.withoutDacOverride(
                    () -> assertThrows(IOException.class, () -> BlockDevices.open(f, o)));
            assertMessage(e, f.toString(), "permission denied");
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void immutableFileIsNamedEvenForRoot() throws Exception {
        Path f = file("immutable.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        boolean immutable = LoopDeviceCommands.tryRun(List.of("chattr", "+i", f.toString()));
        if (!immutable) {
            System.out.println("SKIPPED immutable-file case: chattr +i not supported here");
        }
        assumeTrue(immutable);
        try {
            for (BlockDeviceOptions o : List.of(BlockDeviceOptions.direct(), BlockDeviceOptions.mapped())) {
                IOException e = assertThrows(IOException.class, () -> BlockDevices.open(f, o));
                assertMessage(e, f.toString(), "permission denied");
            }
            try (BlockDevice ro = BlockDevices.open(f, BlockDeviceOptions.direct().withReadOnly(true))) {
                assertTrue(ro.isReadOnly());
            }
        } finally {
            LoopDeviceCommands.tryRun(List.of("chattr", "-i", f.toString()));
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void readOnlyLoopDeviceIsRefusedForWritingAndWritesNothing() throws IOException {
        needLoopDevices();
        Path f = file("ro-backing.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        try (LoopDevice loop = LoopDevice.attach(f, 512, true)) {
            IOException e = assertThrows(IOException.class,
                    () -> BlockDevices.open(loop.device(), BlockDeviceOptions.direct()));
            assertMessage(e, loop.device().toString(), "read-only", "--read-only");
            try (BlockDevice ro = BlockDevices.open(loop.device(), BlockDeviceOptions.direct().withReadOnly(true))) {
                assertTrue(ro.isReadOnly());
                ByteBuffer b = ro.allocateBuffer(512);
                ro.read(0, b);
                assertEquals(before[0], b.get(0));
                IOException w = assertThrows(IOException.class, () -> ro.write(0, ro.allocateBuffer(512)));
                assertMessage(w, loop.device().toString(), "read-only");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void readOnlyFileRefusesWritesAndWritesNothing() throws IOException {
        Path f = file("ro.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        for (BlockDeviceOptions o : List.of(BlockDeviceOptions.direct(), BlockDeviceOptions.mapped())) {
            try (BlockDevice dev = BlockDevices.open(f, o.withReadOnly(true))) {
                IOException e = assertThrows(IOException.class, () -> dev.write(0, ByteBuffer.allocate(4096)));
                assertMessage(e, f.toString(), "read-only");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void sectorSizeBelowTheDevicesIsRefused() throws IOException {
        needLoopDevices();
        Path f = file("4k-backing.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        try (LoopDevice loop = LoopDevice.attach(f, 4096, false)) {
            IOException e = assertThrows(IOException.class,
                    () -> BlockDevices.open(loop.device(), BlockDeviceOptions.direct().withSectorSize(512)));
            assertMessage(e, loop.device().toString(), "4096-byte logical sectors", "use sector size 4096");
            try (BlockDevice dev = BlockDevices.open(loop.device(), BlockDeviceOptions.direct())) {
                assertEquals(4096, dev.logicalSectorSizeBytes());
                IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                        () -> dev.write(0, ByteBuffer.allocate(512)));
                assertMessage(small, loop.device().toString(), "512-byte I/O on a 4096-byte-sector device");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void fileOnA4096ByteSectorFileSystemRefuses512ByteSectors() throws IOException {
        needLoopDevices();
        Path image = dir.resolve("fs.img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), (32L << 20) - 1);
        }
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        try (LoopDevice loop = LoopDevice.attach(image, 4096, false)) {
            boolean mounted = LoopDeviceCommands.tryRun(List.of("mkfs.ext4", "-q", loop.device().toString()))
                    && LoopDeviceCommands.tryRun(List.of("mount", loop.device().toString(), mnt.toString()));
            if (!mounted) {
                System.out.println("SKIPPED 4096-byte file-system case: cannot mkfs.ext4 or mount here");
            }
            assumeTrue(mounted);
            try {
                Path f = mnt.resolve("lockspace.img");
                Files.write(f, new byte[SIZE_BYTES]);
                IOException e = assertThrows(IOException.class,
                        () -> BlockDevices.open(f, BlockDeviceOptions.direct().withSectorSize(512)));
                assertMessage(e, f.toString(), "4096-byte logical sectors", "use sector size 4096");
                try (BlockDevice dev = BlockDevices.open(f, BlockDeviceOptions.direct().withSectorSize(4096))) {
                    assertEquals(4096, dev.logicalSectorSizeBytes());
                }
                assertArrayEquals(new byte[SIZE_BYTES], Files.readAllBytes(f));
            } finally {
                LoopDeviceCommands.unmount(mnt);
            }
        }
    }

    @Test
    void fileSystemWithoutODirectIsRefusedWithAHint() throws IOException {
        needLoopDevices();
        Path mnt = Files.createDirectory(dir.resolve("ramfs"));
        boolean mounted = LoopDeviceCommands.tryRun(List.of("mount", "-t", "ramfs", "ramfs", mnt.toString()));
        if (!mounted) {
            System.out.println("SKIPPED no-O_DIRECT case: cannot mount a ramfs here");
        }
        assumeTrue(mounted);
        try {
            Path f = mnt.resolve("lockspace.img");
            Files.write(f, new byte[SIZE_BYTES]);
            IOException e = assertThrows(IOException.class, () -> BlockDevices.open(f, BlockDeviceOptions.direct()));
            assertMessage(e, f.toString(), "refuses O_DIRECT", "mapped backend");
            try (BlockDevice mapped = BlockDevices.open(f, BlockDeviceOptions.mapped())) {
                assertFalse(mapped.isShareableAcrossHosts());
            }
            assertArrayEquals(new byte[SIZE_BYTES], Files.readAllBytes(f));
        } finally {
            LoopDeviceCommands.unmount(mnt);
        }
    }

    @Test
    void fileTooSmallForTheRegionIsNamedAndNotGrown() throws IOException {
        Path f = file("small.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(f);
        for (BlockDeviceOptions o : List.of(BlockDeviceOptions.direct(), BlockDeviceOptions.mapped())) {
            IOException e = assertThrows(IOException.class,
                    () -> BlockDevices.open(f, o.withRegion(32 * 1024, 1 << 20)));
            assertMessage(e, f.toString(), "too small for the requested region", "1081344", "65536");
            IOException beyond = assertThrows(IOException.class,
                    () -> BlockDevices.open(f, o.withRegion(SIZE_BYTES, 0)));
            assertMessage(beyond, f.toString(), "too small");
        }
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void fileSizeThatIsNotWholeSectorsIsRefused() throws IOException {
        Path f = file("odd.img", 4096 + 512);
        IOException e = assertThrows(IOException.class,
                () -> BlockDevices.open(f, BlockDeviceOptions.direct().withSectorSize(4096)));
        assertMessage(e, f.toString(), "4608 bytes", "truncate");
        IOException m = assertThrows(IOException.class, () -> BlockDevices.open(f, BlockDeviceOptions.mapped()));
        assertMessage(m, f.toString(), "multiple of 4096");
        assertEquals(4096 + 512, Files.size(f), "mapping must not grow the file");
    }

    @Test
    void directoryAndBadSectorSizeAreRefused() {
        IOException e = assertThrows(IOException.class, () -> BlockDevices.open(dir, BlockDeviceOptions.direct()));
        assertMessage(e, dir.toString());
        assertThrows(IllegalArgumentException.class, () -> BlockDeviceOptions.direct().withSectorSize(1024));
    }

    @Test
    void mappedFileShrunkUnderneathIsRefusedWithoutCrashing() throws IOException {
        Path f = file("shrinks.img", SIZE_BYTES);
        try (BlockDevice dev = BlockDevices.open(f, BlockDeviceOptions.mapped())) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            dev.read(SIZE_BYTES - 4096, b);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(8192);
            }
            byte[] afterTruncate = Files.readAllBytes(f);
            IOException r = assertThrows(IOException.class, () -> dev.read(SIZE_BYTES - 4096, b.clear()));
            assertMessage(r, f.toString(), "shrank from 65536 to 8192", "SIGBUS");
            assertThrows(IOException.class, () -> dev.write(0, ByteBuffer.allocate(4096)));
            assertThrows(IOException.class, dev::sync);
            assertArrayEquals(afterTruncate, Files.readAllBytes(f), "nothing written after the shrink");
        }
    }

    @Test
    void createMakesAZeroFileButNeverOverwrites() throws IOException {
        Path fresh = dir.resolve("new.img");
        try (BlockDevice dev = BlockDevices.open(fresh, BlockDeviceOptions.direct().withCreateSize(SIZE_BYTES))) {
            assertEquals(SIZE_BYTES, dev.sizeBytes());
        }
        assertArrayEquals(new byte[SIZE_BYTES], Files.readAllBytes(fresh));
        Path existing = file("existing.img", SIZE_BYTES);
        byte[] before = Files.readAllBytes(existing);
        try (BlockDevice dev = BlockDevices.open(existing, BlockDeviceOptions.direct().withCreateSize(8192))) {
            assertEquals(SIZE_BYTES, dev.sizeBytes());
        }
        assertArrayEquals(before, Files.readAllBytes(existing));
    }
}
