package org.diskpaxos.lock.embedded;

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
import java.util.List;
import org.diskpaxos.blockdev.BlockDevice;
import org.diskpaxos.blockdev.BlockDeviceOptions;
import org.diskpaxos.blockdev.BlockDevices;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.disk.LockspaceFormat;
import org.diskpaxos.paxos.ondisk.AreaGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Storage that cannot take writes, through the embedded client (root only: loop devices, mkfs and mount, all
 * created and removed here): a read-only device ({@code losetup -r}) is refused by name with nothing written; a
 * full file system still serves leases on a lockspace file that exists (its blocks are allocated, direct I/O
 * overwrites them), while a new disk file cannot be made there and says so; a device too small for a lockspace is
 * refused before anything is written.
 */
class EmbeddedStorageFaultTest {
    private static final AreaGeometry GEOMETRY = AreaGeometry.SECTOR_512_ALIGN_1M;
    private LeaseFixture fx;

    @BeforeEach
    void needLoopDevices() throws IOException {
        String reason = LoopDevice.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED storage fault tests: " + reason);
        }
        assumeTrue(reason == null, reason);
        fx = new LeaseFixture(GEOMETRY);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aReadOnlyDeviceIsRefusedByNameAndNothingIsWritten() throws Exception {
        Path backing = fx.format("ls", 1, "backing").get(0);
        byte[] before = Files.readAllBytes(backing);
        try (LoopDevice ro = LoopDevice.attach(backing, 512, true)) {
            fx.disks.add(ro.device());
            LeaseException e = assertThrows(LeaseException.class, () -> fx.client("ls", 1));
            assertTrue(e.getMessage().contains(ro.device().toString()) && e.getMessage().contains("read-only"),
                    e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(backing));
    }

    @Test
    void aFullFileSystemStillServesAnExistingLockspaceButRefusesANewDiskFileByName() throws Exception {
        Path image = fx.dir.resolve("fs.img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), (24L << 20) - 1);
        }
        Path mnt = Files.createDirectory(fx.dir.resolve("mnt"));
        try (LoopDevice loop = LoopDevice.attach(image, 512, false)) {
            SystemCommands.run(List.of("mkfs.ext4", "-q", "-m", "0", loop.device().toString()));
            SystemCommands.run(List.of("mount", loop.device().toString(), mnt.toString()));
            try {
                LeaseFixture onMount = new LeaseFixture(GEOMETRY, mnt);
                onMount.disks.addAll(onMount.format("ls", 1, "disk"));
                fill(mnt.resolve("filler"));
                try {
                    EmbeddedLeaseClient a = onMount.client("ls", 1);
                    a.createResource("db");
                    try (Lease lease = a.acquire(ResourceId.parse("ls/db"), LeaseOptions.EXCLUSIVE)) {
                        assertEquals(1, lease.fence());
                    }
                    IOException e = assertThrows(IOException.class, () -> onMount.format("ls2", 1, "more"));
                    assertTrue(e.getMessage().contains(mnt.resolve("more0").toString())
                            && e.getMessage().contains("No space left"), e.getMessage());
                    assertFalse(Files.exists(mnt.resolve("more0")), "a part-written disk file was left behind");
                } finally {
                    onMount.closeClients();
                }
            } finally {
                SystemCommands.unmount(mnt);
            }
        }
    }

    @Test
    void aDeviceTooSmallForTheLockspaceIsRefusedBeforeAnyWrite() throws Exception {
        Path backing = fx.dir.resolve("tiny.img");
        Files.write(backing, new byte[2 << 20]);
        try (LoopDevice tiny = LoopDevice.attach(backing, 512, false);
             BlockDevice dev = BlockDevices.open(tiny.device(), BlockDeviceOptions.direct().withSectorSize(512))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LockspaceFormat.format(
                    "ls", fx.layout, List.of(new LockspaceFormat.Target(dev, 0)), 1, false));
            assertTrue(e.getMessage().contains(tiny.device().toString()) && e.getMessage().contains("too small"),
                    e.getMessage());
        }
        assertArrayEquals(new byte[2 << 20], Files.readAllBytes(backing));
    }

    /** Writes zeros to {@code file} until the file system is full. */
    private static void fill(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            try {
                while (true) {
                    zeros.clear();
                    ch.write(zeros);
                }
            } catch (IOException full) {
                assertTrue(full.getMessage().contains("No space left"), full.getMessage());
            }
            ch.force(true);
        }
    }
}
