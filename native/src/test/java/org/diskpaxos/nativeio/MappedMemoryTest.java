package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** msync accepts a real mapping and reports an unmapped or misaligned range as a named error. */
class MappedMemoryTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void syncsAMappedFileAndRefusesUnmappedRanges() throws IOException {
        Path f = dir.resolve("mapped.img");
        Files.write(f, new byte[8192]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192);
            m.put(4096, (byte) 42);
            long address = DirectBuffers.addressAtPosition(m);
            MappedMemory.msync(address, 8192, f.toString());
            assertEquals(42, Files.readAllBytes(f)[4096]);

            assertThrows(IllegalArgumentException.class, () -> MappedMemory.msync(address + 1, 4096, "x"));
        }
        // Page 0 is never mapped in a Linux process (vm.mmap_min_addr), so msync reports ENOMEM there.
        NativeIoException e = assertThrows(NativeIoException.class, () -> MappedMemory.msync(0, 4096, "page zero"));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals("msync", e.syscall());
    }
}
