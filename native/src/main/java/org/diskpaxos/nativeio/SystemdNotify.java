package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;

/**
 * {@code sd_notify}: tells systemd about the daemon's state ({@code READY=1}, {@code STATUS=...},
 * {@code WATCHDOG=1}, {@code STOPPING=1}) with one datagram to the Unix socket named by {@code NOTIFY_SOCKET}.
 *
 * <p>JDK 17 has no Unix-domain datagram sockets, hence {@code socket}+{@code sendto} through JNA. A name that
 * starts with {@code @} is an abstract socket (the {@code @} becomes a NUL byte and the address has no trailing
 * NUL); any other name is a path. With {@code NOTIFY_SOCKET} unset (not started by systemd) nothing is sent.
 */
public final class SystemdNotify {
    /** The environment variable systemd sets for {@code Type=notify} services. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    /** {@code sizeof(sun_path)}: the longest socket name, NUL included. */
    static final int SUN_PATH_BYTES = 108;
    /** Largest state message sent: 4 KiB is far more than any systemd message needs. */
    public static final int MAX_MESSAGE_BYTES = 4096;

    private SystemdNotify() {
    }

    /**
     * Sends {@code state} to the socket named by the {@code NOTIFY_SOCKET} environment variable.
     *
     * @return false when the variable is unset or empty (nothing sent), true when the datagram was sent
     */
    public static boolean notify(String state) throws NativeIoException {
        return notify(System.getenv(NOTIFY_SOCKET), state);
    }

    /**
     * Sends {@code state} to {@code notifySocket} (a path, or {@code @name} for an abstract socket).
     *
     * @return false when {@code notifySocket} is null or empty (nothing sent), true when the datagram was sent
     * @throws IllegalArgumentException the socket name or the message is too long, or the message is empty
     * @throws NativeIoException        socket or sendto failed (for instance ENOENT or ECONNREFUSED: no one listens)
     */
    public static boolean notify(String notifySocket, String state) throws NativeIoException {
        if (notifySocket == null || notifySocket.isEmpty()) {
            return false;
        }
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        if (message.length == 0 || message.length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("sd_notify message must be 1 to " + MAX_MESSAGE_BYTES
                    + " bytes, got " + message.length);
        }
        Memory address = socketAddress(notifySocket);
        LibC.load();
        int fd;
        try {
            fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw NativeIoException.of("socket", notifySocket, "(AF_UNIX, SOCK_DGRAM)", e);
        }
        try {
            Memory buf = new Memory(message.length);
            buf.write(0, message, 0, message.length);
            LibC.sendto(fd, buf, message.length, LibC.MSG_NOSIGNAL, address, (int) address.size());
            return true;
        } catch (LastErrorException e) {
            throw NativeIoException.of("sendto", notifySocket, null, e);
        } finally {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // A datagram socket that was never connected has nothing to flush; close cannot lose data here.
            }
        }
    }

    /** {@code struct sockaddr_un}: u16 family (host order, little-endian here), then the name. */
    static Memory socketAddress(String notifySocket) {
        byte[] name = notifySocket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name[0] == '@';
        if (abstractName) {
            name[0] = 0;
        }
        int nameBytes = abstractName ? name.length : name.length + 1;
        if (nameBytes > SUN_PATH_BYTES) {
            throw new IllegalArgumentException(NOTIFY_SOCKET + " '" + notifySocket + "' is longer than the "
                    + SUN_PATH_BYTES + "-byte limit of a Unix socket name");
        }
        Memory addr = new Memory(2L + nameBytes);
        addr.clear();
        addr.setShort(0, (short) LibC.AF_UNIX);
        addr.write(2, name, 0, name.length);
        return addr;
    }
}
