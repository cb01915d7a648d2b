package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

/**
 * {@code msync(MS_SYNC)} for memory mapped by someone else (Chronicle Bytes in the block-device module).
 *
 * <p>Needed because Chronicle's own {@code sync()} goes through its {@code posix} layer, which without jnr-ffi (a
 * dependency this project excludes) silently falls back to a no-op implementation: a "synced" mapping would not
 * be durable. The caller passes the native address of the mapping it owns.
 */
public final class MappedMemory {
    /** The page size msync addresses must be aligned to on x86-64 and most aarch64 kernels. */
    public static final int PAGE_SIZE_BYTES = 4096;

    private MappedMemory() {
    }

    /**
     * Writes the dirty pages of {@code [addressBytes, addressBytes + lengthBytes)} to the file backing the mapping
     * and waits for them to be durable.
     *
     * @param what names the mapping in error messages, such as the file's path
     * @throws IllegalArgumentException the address is not page-aligned or the length is negative
     * @throws NativeIoException        msync failed (ENOMEM: the range is not mapped; EIO: the write-back failed)
     */
    public static void msync(long addressBytes, long lengthBytes, String what) throws NativeIoException {
        if (addressBytes % PAGE_SIZE_BYTES != 0 || lengthBytes < 0) {
            throw new IllegalArgumentException("msync of " + what + ": address 0x" + Long.toHexString(addressBytes)
                    + " must be page-aligned and length " + lengthBytes + " non-negative");
        }
        LibC.load();
        try {
            LibC.msync(new Pointer(addressBytes), lengthBytes, LibC.MS_SYNC);
        } catch (LastErrorException e) {
            throw NativeIoException.of("msync", what, "(" + lengthBytes + " bytes)", e);
        }
    }
}
