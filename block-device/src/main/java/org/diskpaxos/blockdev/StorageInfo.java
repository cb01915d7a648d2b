package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What Linux says about the storage under a path, read from {@code stat} and sysfs ({@code /sys/dev/block/M:m}):
 * whether the path is a block device, and the queue limits (sector sizes, read-only flag) of the device that is
 * either the path itself or, for a regular file, the device its file system lives on.
 *
 * @param blockDevice              the path is a block device node
 * @param regularFile              the path is a regular file
 * @param logicalBlockSizeBytes    the device's logical block size, 0 when sysfs does not know the device (tmpfs,
 *                                 btrfs, overlayfs, network file systems)
 * @param physicalBlockSizeBytes   the device's physical block size, 0 when unknown
 * @param readOnlyDevice           sysfs {@code ro} is 1 (for instance {@code losetup -r})
 * @param sysfsPath                the sysfs directory read, or null
 */
record StorageInfo(boolean blockDevice, boolean regularFile, int logicalBlockSizeBytes, int physicalBlockSizeBytes,
                   boolean readOnlyDevice, Path sysfsPath) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;

    static StorageInfo of(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        boolean block = (mode & S_IFMT) == S_IFBLK;
        boolean regular = (mode & S_IFMT) == S_IFREG;
        long dev = (Long) Files.getAttribute(path, block ? "unix:rdev" : "unix:dev");
        Path sys = Path.of("/sys/dev/block", major(dev) + ":" + minor(dev));
        Path queue = null;
        Path deviceDir = null;
        if (Files.isDirectory(sys.resolve("queue"))) {
            deviceDir = sys;
            queue = sys.resolve("queue");
        } else if (Files.exists(sys, LinkOption.NOFOLLOW_LINKS)
                && Files.isDirectory(sys.toRealPath().getParent().resolve("queue"))) {
            // A partition: its queue limits are its disk's.
            deviceDir = sys;
            queue = sys.toRealPath().getParent().resolve("queue");
        }
        if (queue == null) {
            return new StorageInfo(block, regular, 0, 0, false, null);
        }
        return new StorageInfo(block, regular, readInt(queue.resolve("logical_block_size")),
                readInt(queue.resolve("physical_block_size")), readInt(deviceDir.resolve("ro")) == 1, deviceDir);
    }

    private static int readInt(Path p) {
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** glibc's {@code gnu_dev_major}. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
    }

    /** glibc's {@code gnu_dev_minor}. */
    static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
    }
}
