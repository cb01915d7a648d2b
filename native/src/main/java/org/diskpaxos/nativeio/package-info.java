/**
 * JNA bindings to the few libc calls DiskPaxos needs, and nothing else: {@code open} with {@code O_DIRECT} and
 * {@code O_DSYNC}, {@code pread}, {@code pwrite}, {@code fdatasync}, {@code msync}, the block-device {@code ioctl}s for size and
 * sector sizes, aligned native memory, {@code mlockall}, {@code getsockopt(SO_PEERCRED)} on a Unix socket and
 * {@code sd_notify}.
 *
 * <p>Every failed call becomes a {@link org.diskpaxos.nativeio.NativeIoException} carrying the system call, the path
 * and the {@code strerror} text. No JNA type appears in a public signature: other modules see paths, ints, longs
 * and {@link java.nio.ByteBuffer}s only. The bindings use JNA direct mapping ({@code Native.register}) and assume
 * 64-bit Linux (LP64: {@code size_t} and {@code off_t} are Java {@code long}); loading them anywhere else fails
 * with a clear message.
 */
package org.diskpaxos.nativeio;
