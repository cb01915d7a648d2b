package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * The process at the other end of a Unix-domain stream socket, as the kernel recorded it when the connection was
 * made ({@code getsockopt(SO_PEERCRED)}): the daemon uses the pid to tie leases to a client process.
 *
 * <p>The JDK's own {@code SO_PEERCRED} option gives user and group names only, so this reads the channel's file
 * descriptor through {@code sun.nio.ch.SelChImpl#getFDVal()}; the JVM must run with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (part of the project's {@code dp.jvm.flags}).
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(long pid, int uid, int gid) {

    private static final int UCRED_SIZE_BYTES = 12;

    /**
     * The credentials of the peer of a connected Unix-domain {@code channel}.
     *
     * @throws IllegalArgumentException the channel is not a Unix-domain socket
     * @throws IOException              the channel is closed or not connected, or getsockopt failed
     */
    public static PeerCredentials of(SocketChannel channel) throws IOException {
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress local)) {
            throw new IllegalArgumentException("SO_PEERCRED needs a Unix-domain socket channel, got one bound to "
                    + channel.getLocalAddress());
        }
        if (!channel.isConnected()) {
            throw new IOException("SO_PEERCRED on " + local + ": the channel is not connected");
        }
        int fd = FdAccess.fdOf(channel);
        LibC.load();
        Memory ucred = new Memory(UCRED_SIZE_BYTES);
        Memory len = new Memory(4);
        len.setInt(0, UCRED_SIZE_BYTES);
        try {
            LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_PEERCRED, ucred, len);
        } catch (LastErrorException e) {
            throw NativeIoException.of("getsockopt SO_PEERCRED", local.toString(), null, e);
        }
        if (len.getInt(0) != UCRED_SIZE_BYTES) {
            throw new IOException("getsockopt SO_PEERCRED on " + local + ": kernel returned " + len.getInt(0)
                    + " bytes, expected " + UCRED_SIZE_BYTES);
        }
        return new PeerCredentials(Integer.toUnsignedLong(ucred.getInt(0)), ucred.getInt(4), ucred.getInt(8));
    }

    /** Reads the fd of a JDK socket channel; isolated so the reflection is done once. */
    private static final class FdAccess {
        private static final MethodHandle GET_FD_VAL = find();

        private static MethodHandle find() {
            try {
                Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
                return MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class));
            } catch (ReflectiveOperationException | IllegalAccessError | SecurityException e) {
                return null;
            }
        }

        static int fdOf(SocketChannel channel) throws IOException {
            if (GET_FD_VAL == null) {
                throw new IOException("cannot read a socket's file descriptor: start the JVM with "
                        + "--add-exports java.base/sun.nio.ch=ALL-UNNAMED (see dp.jvm.flags in the parent pom)");
            }
            try {
                return (int) GET_FD_VAL.invoke(channel);
            } catch (Throwable t) {
                throw new IOException("cannot read the file descriptor of " + channel + ": " + t, t);
            }
        }
    }
}
