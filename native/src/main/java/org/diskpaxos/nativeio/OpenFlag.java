package org.diskpaxos.nativeio;

/** How {@link NativeFile#open} opens a file or device. {@code O_CLOEXEC} is always added. */
public enum OpenFlag {
    /** {@code O_RDONLY} instead of {@code O_RDWR}. */
    READ_ONLY,
    /** {@code O_DIRECT}: bypass the page cache; offsets, lengths and buffer addresses must be sector-aligned. */
    DIRECT,
    /** {@code O_DSYNC}: each write returns only once its data is durable on the device. */
    DSYNC
}
