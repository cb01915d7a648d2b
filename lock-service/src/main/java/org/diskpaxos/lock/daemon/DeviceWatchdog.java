package org.diskpaxos.lock.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Linux watchdog device API ({@code /dev/watchdog}, Documentation/watchdog/watchdog-api.rst): opening the device
 * arms it, any write pets it, and writing {@code 'V'} just before closing disarms it ("magic close"; drivers built
 * with {@code nowayout} ignore it and keep counting). Its timeout is the driver's (set it with the driver's module
 * parameters or {@code wdctl}); see docs/daemon.md for how it must relate to the lease timeouts.
 *
 * <p>No watchdog device exists on the machines this project is tested on: the tests point it at a plain file and
 * count the bytes written, which is what the device would see.
 */
public final class DeviceWatchdog implements HardwareWatchdog {

    private static final ByteBuffer PET = ByteBuffer.wrap(new byte[] {0});
    private static final ByteBuffer MAGIC_CLOSE = ByteBuffer.wrap(new byte[] {'V'});

    private final Path path;
    private final FileChannel channel;

    private DeviceWatchdog(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens (and so arms) the device. */
    public static DeviceWatchdog open(Path path) throws IOException {
        try {
            return new DeviceWatchdog(path, FileChannel.open(path, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new IOException("watchdog_device " + path + ": cannot open it for writing (" + e + "); load a"
                    + " watchdog driver (e.g. modprobe softdog) or remove watchdog_device from the configuration", e);
        }
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public synchronized void pet() throws IOException {
        channel.write(PET.duplicate());
    }

    @Override
    public synchronized void close() {
        try {
            channel.write(MAGIC_CLOSE.duplicate());
        } catch (IOException ignored) {
            // closing anyway; a device that did not take the magic close keeps counting
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
