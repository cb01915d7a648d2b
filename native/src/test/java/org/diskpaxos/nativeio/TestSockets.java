package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/** A Unix datagram receiver for the sd_notify tests (the JDK has none): socket, bind, recv, close. */
final class TestSockets implements AutoCloseable {
    static {
        Native.register(TestSockets.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static final int MSG_DONTWAIT = 0x40;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

    static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    private final int fd;

    /** Binds a datagram socket to {@code name}: a path, or {@code @name} for an abstract socket. */
    TestSockets(String name) {
        fd = socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        Memory addr = SystemdNotify.socketAddress(name);
        bind(fd, addr, (int) addr.size());
    }

    /** The datagram waiting in the socket's queue, or null if none (does not block). */
    String receiveNow() {
        Memory buf = new Memory(8192);
        try {
            long n = recv(fd, buf, buf.size(), MSG_DONTWAIT);
            return new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) {
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
