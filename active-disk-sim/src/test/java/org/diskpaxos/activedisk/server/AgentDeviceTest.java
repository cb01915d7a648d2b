package org.diskpaxos.activedisk.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.diskpaxos.activedisk.TestKeys;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.junit.jupiter.api.Test;

/**
 * Opening an agent device refuses, with the device and the fix named, one that is too small, truncated, damaged,
 * or held by another agent; initialising writes a loadable device.
 */
class AgentDeviceTest {
    private static final AgentGeometry SMALL = new AgentGeometry(512, 4, 2, 2);

    @Test
    void aTooSmallDeviceIsRefusedWithTheSizeNeeded() throws Exception {
        Path dir = TestKeys.scratch("device");
        Path d = dir.resolve("small.img");
        try (RandomAccessFile f = new RandomAccessFile(d.toFile(), "rw")) {
            f.setLength(4096);
        }
        IOException e = assertThrows(IOException.class, () -> AgentDevice.initialise(d,
                new AgentDevice.InitOptions("x", SMALL), line -> { }));
        assertTrue(e.getMessage().contains("needs " + SMALL.sizeBytes()) && e.getMessage().contains("--resources"),
                e.getMessage());
    }

    @Test
    void aTruncatedOrDamagedDeviceIsRefused() throws Exception {
        Path dir = TestKeys.scratch("device");
        Path d = dir.resolve("a.img");
        AgentDevice.initialise(d, new AgentDevice.InitOptions("x", SMALL), line -> { });
        try (RandomAccessFile f = new RandomAccessFile(d.toFile(), "rw")) {
            f.setLength(SMALL.sizeBytes() - 512);
        }
        IOException truncated = assertThrows(IOException.class, () -> AgentDevice.open(d, CoreOptions.defaults(),
                line -> { }));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        try (RandomAccessFile f = new RandomAccessFile(d.toFile(), "rw")) {
            f.setLength(SMALL.sizeBytes());
            f.seek(100);
            f.write(0x55);
        }
        IOException damaged = assertThrows(IOException.class, () -> AgentDevice.open(d, CoreOptions.defaults(),
                line -> { }));
        assertTrue(damaged.getMessage().contains("superblock is damaged"), damaged.getMessage());
    }

    @Test
    void aDeviceServedByOneAgentIsRefusedToAnother() throws Exception {
        Path dir = TestKeys.scratch("device");
        Path d = dir.resolve("b.img");
        AgentDevice.initialise(d, new AgentDevice.InitOptions("x", SMALL), line -> { });
        try (AgentDevice first = AgentDevice.open(d, CoreOptions.defaults(), line -> { })) {
            IOException e = assertThrows(IOException.class, () -> AgentDevice.open(d, CoreOptions.defaults(),
                    line -> { }));
            assertTrue(e.getMessage().contains("in use by another agent"), e.getMessage());
            assertEquals("x", first.superblock().name());
        }
    }
}
