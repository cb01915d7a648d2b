package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc functions this module calls, bound by JNA direct mapping. Only this package sees it.
 *
 * <p>Types follow LP64 Linux: {@code size_t}, {@code ssize_t} and {@code off_t} are {@code long}, {@code int} is
 * {@code int}, {@code unsigned long} (the ioctl request) is {@code long}. {@code open} and {@code ioctl} are variadic
 * in C; calling them with a fixed argument list is what every JNA and libffi user does on x86-64 and aarch64, where
 * the variadic and fixed calling conventions agree for integer and pointer arguments.
 */
final class LibC {

    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_DSYNC = 0x1000;
    static final int O_DIRECT = 0x4000;
    static final int O_CLOEXEC = 0x80000;

    /** {@code _IOR(0x12, 114, size_t)}: device size in bytes, u64. */
    static final long BLKGETSIZE64 = 0x80081272L;
    /** {@code _IO(0x12, 104)}: logical sector size, int. */
    static final long BLKSSZGET = 0x1268L;
    /** {@code _IO(0x12, 123)}: physical sector size, unsigned int. */
    static final long BLKPBSZGET = 0x127BL;

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_PEERCRED = 17;
    static final int MSG_NOSIGNAL = 0x4000;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("org.diskpaxos.nativeio supports 64-bit Linux only; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    /** Forces the bindings to load; throws {@link UnsupportedOperationException} off 64-bit Linux. */
    static void load() {
        // The static initializer does the work.
    }

    static native int open(byte[] pathNulTerminated, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native int fdatasync(int fd) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static final int MS_SYNC = 4;

    static native int msync(Pointer addr, long length, int flags) throws LastErrorException;

    static native int mlockall(int flags) throws LastErrorException;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_PRIVATE = 2;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MADV_HUGEPAGE = 14;

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    static native int madvise(Pointer addr, long length, int advice) throws LastErrorException;

    static native int munlockall() throws LastErrorException;

    static native int getsockopt(int fd, int level, int optname, Pointer optval, Pointer optlen)
            throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrlen)
            throws LastErrorException;

    /** glibc's strerror returns a static string for known errnos and a thread-local buffer otherwise. */
    static native String strerror(int errnum);
}
