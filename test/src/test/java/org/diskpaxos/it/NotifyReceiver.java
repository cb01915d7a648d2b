package org.diskpaxos.it;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What systemd is to a Type=notify service: a Unix datagram socket that receives sd_notify messages (JNA). */
final class NotifyReceiver implements AutoCloseable {
    static {
        Native.register(NotifyReceiver.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    private final int fd;

    NotifyReceiver(Path path) {
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        Memory addr = new Memory(2L + name.length + 1);
        addr.clear();
        addr.setShort(0, (short) AF_UNIX);
        addr.write(2, name, 0, name.length);
        bind(fd, addr, (int) addr.size());
    }

    /** The next datagram, or null if none is waiting. */
    String poll() {
        Memory buf = new Memory(8192);
        try {
            long n = recv(fd, buf, buf.size(), MSG_DONTWAIT);
            return new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        close(fd);
    }
}
