package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A failed system call: which call, on which path (or socket), the errno, and the C library's text for it.
 *
 * <p>The message reads {@code "pwrite /dev/loop3 at offset 4096: Read-only file system (EROFS)"}, so it can be
 * shown to users as it is. Callers that react to particular failures test {@link #errno()} against {@link Errno}.
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final String path;
    private final int errno;
    private final String strerror;

    public NativeIoException(String syscall, String path, String detail, int errno) {
        super(format(syscall, path, detail, errno, describe(errno)));
        this.syscall = syscall;
        this.path = path;
        this.errno = errno;
        this.strerror = describe(errno);
    }

    static NativeIoException of(String syscall, String path, String detail, LastErrorException e) {
        return new NativeIoException(syscall, path, detail, e.getErrorCode());
    }

    /** The system call that failed, such as {@code "open"}. */
    public String syscall() {
        return syscall;
    }

    /** The path or socket the call was made on; null when there is none. */
    public String path() {
        return path;
    }

    /** The errno value; compare with the constants in {@link Errno}. */
    public int errno() {
        return errno;
    }

    /** The C library's description of the errno, such as {@code "Read-only file system"}. */
    public String strerror() {
        return strerror;
    }

    private static String format(String syscall, String path, String detail, int errno, String text) {
        StringBuilder b = new StringBuilder(syscall);
        if (path != null) {
            b.append(' ').append(path);
        }
        if (detail != null && !detail.isEmpty()) {
            b.append(' ').append(detail);
        }
        return b.append(": ").append(text).append(" (").append(Errno.name(errno)).append(')').toString();
    }

    static String describe(int errno) {
        try {
            LibC.load();
            String s = LibC.strerror(errno);
            return s == null ? "unknown error" : s;
        } catch (UnsupportedOperationException | LinkageError e) {
            return "error " + errno;
        }
    }
}
