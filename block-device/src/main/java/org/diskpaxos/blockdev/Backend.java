package org.diskpaxos.blockdev;

/** How {@link BlockDevices#open} reaches a path. */
public enum Backend {
    /** {@code O_DIRECT + O_DSYNC}: files and block devices; shareable across hosts. The default. */
    DIRECT,
    /** A memory-mapped regular file (Chronicle Bytes), {@code msync} on sync; one host only. */
    MAPPED
}
