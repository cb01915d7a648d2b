package org.diskpaxos.it;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.blockdev.loop.LoopDevice;

/**
 * A real disk that can be made to stall or fail, without device-mapper or FUSE (neither exists here): an ext4 file
 * system on a loop device, mounted, holding the lockspace's disk file. {@link #stall()} freezes the file system
 * ({@code fsfreeze}: every write blocks in the kernel until {@link #thaw()}; reads still work), {@link #fail()}
 * shuts it down ({@code EXT4_IOC_SHUTDOWN}: every read and write fails with EIO, for good). {@link #close()} thaws,
 * unmounts and detaches, whatever happened.
 */
final class Ext4Disk implements AutoCloseable {
    static {
        Native.register(Ext4Disk.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    private static final long EXT4_IOC_SHUTDOWN = 0x8004587DL; // _IOR('X', 125, __u32)
    private static final int EXT4_GOING_FLAGS_NOLOGFLUSH = 2;

    final Path mount;
    final Path image;
    private final LoopDevice loop;
    private boolean mounted;

    private Ext4Disk(Path mount, LoopDevice loop) {
        this.mount = mount;
        this.loop = loop;
        this.image = mount.resolve("disk.img");
    }

    /** Why this cannot run here (not root, no loop devices, no mkfs.ext4 or fsfreeze), or null. */
    static String unavailableReason() {
        String loop = LoopDevice.unavailableReason();
        if (loop != null) {
            return loop;
        }
        for (String tool : List.of("mkfs.ext4", "fsfreeze", "mount", "umount")) {
            try {
                if (new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() != 0) {
                    return tool + " is not installed";
                }
            } catch (IOException | InterruptedException e) {
                return e.toString();
            }
        }
        return null;
    }

    static Ext4Disk create(Path dir, String name) throws IOException, InterruptedException {
        Path backing = dir.resolve(name + ".fs");
        try (var f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(48L * 1024 * 1024);
        }
        LoopDevice loop = LoopDevice.attach(backing, 512, false);
        Path mount = dir.resolve(name);
        Files.createDirectories(mount);
        Ext4Disk d = new Ext4Disk(mount, loop);
        try {
            sh("mkfs.ext4", "-q", "-F", loop.device().toString());
            sh("mount", loop.device().toString(), mount.toString());
            d.mounted = true;
        } catch (IOException e) {
            d.close();
            throw e;
        }
        return d;
    }

    void stall() throws IOException, InterruptedException {
        sh("fsfreeze", "--freeze", mount.toString());
    }

    void thaw() throws IOException, InterruptedException {
        sh("fsfreeze", "--unfreeze", mount.toString());
    }

    void fail() {
        int fd = open(mount.toString(), 0);
        try {
            Memory flags = new Memory(4);
            flags.setInt(0, EXT4_GOING_FLAGS_NOLOGFLUSH);
            ioctl(fd, EXT4_IOC_SHUTDOWN, flags);
        } finally {
            close(fd);
        }
    }

    /** Thaws if frozen; never fails. */
    void thawQuietly() {
        try {
            sh("fsfreeze", "--unfreeze", mount.toString());
        } catch (IOException | InterruptedException notFrozen) {
            // not frozen: fine
        }
    }

    /** Thaws, unmounts (retrying while processes that were blocked on it die) and detaches. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            thawQuietly();
            for (int attempt = 1; ; attempt++) {
                try {
                    sh("umount", mount.toString());
                    break;
                } catch (IOException busy) {
                    if (attempt == 50) {
                        throw busy;
                    }
                    Thread.sleep(100);
                }
            }
            mounted = false;
        }
        loop.close();
    }

    /**
     * Runs {@code body} on three fresh disks named a, b, c under {@code dir}; whatever happens, thaws them all first,
     * then closes what the body registered in {@code closeFirst} (the daemons), then unmounts and detaches.
     */
    static void withDisks(Path dir, Body body) throws Exception {
        List<Ext4Disk> disks = new java.util.ArrayList<>();
        List<AutoCloseable> closeFirst = new java.util.ArrayList<>();
        Throwable primary = null;
        try {
            for (String n : List.of("a", "b", "c")) {
                disks.add(create(dir, n));
            }
            body.run(disks, closeFirst);
        } catch (Throwable t) {
            primary = t;
            throw t;
        } finally {
            for (Ext4Disk d : disks) {
                d.thawQuietly();
            }
            for (AutoCloseable c : closeFirst) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    }
                }
            }
            for (Ext4Disk d : disks) {
                try {
                    d.close();
                } catch (IOException e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    } else {
                        throw e;
                    }
                }
            }
        }
    }

    /** A test body on three disks. */
    interface Body {
        void run(List<Ext4Disk> disks, List<AutoCloseable> closeFirst) throws Exception;
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
        }
    }
}
