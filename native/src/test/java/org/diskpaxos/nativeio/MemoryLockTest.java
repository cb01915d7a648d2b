package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** mlockall really locks the process's memory (VmLck grows), munlockall undoes it, and bad flags are EINVAL. */
class MemoryLockTest {

    private static long lockedKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmLck line in /proc/self/status");
    }

    @Test
    void lockAllThenUnlockAll() throws IOException {
        // ON_FAULT locks pages as they are touched instead of faulting the whole JVM heap in at once.
        MemoryLock.lockAll(EnumSet.of(MemoryLock.Flag.CURRENT, MemoryLock.Flag.ON_FAULT));
        long locked;
        try {
            locked = lockedKb();
        } finally {
            MemoryLock.unlockAll();
        }
        assertTrue(locked > 0, "VmLck should be positive after mlockall, was " + locked + " kB");
        assertEquals(0, lockedKb(), "VmLck after munlockall");
    }

    @Test
    void noFlagsIsEinval() {
        NativeIoException e = assertThrows(NativeIoException.class, () -> MemoryLock.lockAll(Set.of()));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("mlockall", e.syscall());
    }
}
