package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** open/pread/pwrite/fdatasync/close on a regular file move the right bytes and turn errno into named errors. */
class NativeFileTest {
    private static final Set<OpenFlag> DIRECT_DSYNC = EnumSet.of(OpenFlag.DIRECT, OpenFlag.DSYNC);

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private Path file(int sizeBytes, byte fill) throws IOException {
        Path f = dir.resolve("disk.img");
        byte[] b = new byte[sizeBytes];
        Arrays.fill(b, fill);
        Files.write(f, b);
        return f;
    }

    @Test
    void directSyncWriteThenReadReturnsTheBytesAndReachesTheFile() throws IOException {
        Path f = file(64 * 1024, (byte) 0);
        try (NativeFile nf = NativeFile.open(f, DIRECT_DSYNC); AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            ByteBuffer b = buf.buffer();
            for (int i = 0; i < 4096; i++) {
                b.put(i, (byte) (i * 7 + 3));
            }
            assertEquals(4096, nf.pwrite(b, 8192));
            assertEquals(4096, b.position(), "pwrite advances the position");
            nf.fdatasync();

            try (AlignedBuffer back = AlignedBuffer.allocate(4096, 4096)) {
                assertEquals(4096, nf.pread(back.buffer(), 8192));
                assertEquals(0, back.buffer().flip().compareTo(b.clear()), "read back differs");
            }
        }
        byte[] onDisk = Files.readAllBytes(f);
        for (int i = 0; i < 4096; i++) {
            assertEquals((byte) (i * 7 + 3), onDisk[8192 + i], "byte " + i);
        }
        assertEquals(0, onDisk[8191]);
        assertEquals(0, onDisk[8192 + 4096]);
    }

    @Test
    void preadAtEndOfFileReturnsZero() throws IOException {
        Path f = file(8192, (byte) 1);
        try (NativeFile nf = NativeFile.open(f, DIRECT_DSYNC); AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            assertEquals(0, nf.pread(buf.buffer(), 8192));
        }
    }

    @Test
    void misalignedDirectWriteIsEinvalAndChangesNothing() throws IOException {
        Path f = file(16384, (byte) 0x5A);
        try (NativeFile nf = NativeFile.open(f, DIRECT_DSYNC); AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            NativeIoException e = assertThrows(NativeIoException.class, () -> nf.pwrite(buf.buffer(), 100));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("pwrite", e.syscall());
            assertEquals(f.toString(), e.path());
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("Invalid argument")
                    && e.getMessage().contains("EINVAL") && e.getMessage().contains("offset 100"), e.getMessage());
        }
        byte[] onDisk = Files.readAllBytes(f);
        byte[] expected = new byte[16384];
        Arrays.fill(expected, (byte) 0x5A);
        assertArrayEquals(expected, onDisk);
    }

    @Test
    void missingFileIsEnoentNamingThePath() {
        Path missing = dir.resolve("no-such-disk");
        NativeIoException e = assertThrows(NativeIoException.class, () -> NativeFile.open(missing, DIRECT_DSYNC));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("No such file or directory", e.strerror());
        assertTrue(e.getMessage().startsWith("open " + missing + ": No such file or directory (ENOENT)"),
                e.getMessage());
        assertTrue(Files.notExists(missing), "open must never create a file");
    }

    @Test
    void readOnlyDescriptorRefusesWritesWithEbadf() throws IOException {
        Path f = file(8192, (byte) 9);
        try (NativeFile nf = NativeFile.open(f, EnumSet.of(OpenFlag.READ_ONLY, OpenFlag.DIRECT));
             AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            assertTrue(nf.readOnly());
            assertEquals(4096, nf.pread(buf.buffer(), 0));
            assertEquals(9, buf.buffer().get(4095));
            NativeIoException e = assertThrows(NativeIoException.class, () -> nf.pwrite(buf.buffer().clear(), 0));
            assertEquals(Errno.EBADF, e.errno());
        }
        byte[] expected = new byte[8192];
        Arrays.fill(expected, (byte) 9);
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void callsAfterCloseFailAndCloseTwiceIsHarmless() throws IOException {
        Path f = file(4096, (byte) 0);
        NativeFile nf = NativeFile.open(f, DIRECT_DSYNC);
        nf.close();
        nf.close();
        NativeIoException e = assertThrows(NativeIoException.class, nf::fdatasync);
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().contains("after close"), e.getMessage());
        try (AlignedBuffer buf = AlignedBuffer.allocate(4096, 4096)) {
            assertThrows(NativeIoException.class, () -> nf.pread(buf.buffer(), 0));
        }
    }

    @Test
    void blockDeviceIoctlsOnARegularFileAreEnotty() throws IOException {
        Path f = file(4096, (byte) 0);
        try (NativeFile nf = NativeFile.open(f, Set.of())) {
            NativeIoException e = assertThrows(NativeIoException.class, nf::logicalSectorSizeBytes);
            assertEquals(Errno.ENOTTY, e.errno());
            assertEquals("ioctl BLKSSZGET", e.syscall());
            assertEquals(Errno.ENOTTY, assertThrows(NativeIoException.class, nf::blockDeviceSizeBytes).errno());
            assertEquals(Errno.ENOTTY, assertThrows(NativeIoException.class, nf::physicalSectorSizeBytes).errno());
        }
    }

    @Test
    void heapBuffersAndNegativeOffsetsAreRefusedBeforeAnySystemCall() throws IOException {
        Path f = file(4096, (byte) 0);
        try (NativeFile nf = NativeFile.open(f, Set.of()); AlignedBuffer buf = AlignedBuffer.allocate(512, 512)) {
            assertThrows(IllegalArgumentException.class, () -> nf.pwrite(ByteBuffer.allocate(512), 0));
            assertThrows(IllegalArgumentException.class, () -> nf.pread(buf.buffer(), -512));
        }
    }

    @Test
    void errnoNamesAndTextsComeFromTheCLibrary() {
        NativeIoException e = new NativeIoException("open", "/dev/x", null, Errno.EROFS);
        assertEquals("open /dev/x: Read-only file system (EROFS)", e.getMessage());
        assertEquals("errno 4242", Errno.name(4242));
        assertEquals("EACCES", Errno.name(Errno.EACCES));
    }
}
