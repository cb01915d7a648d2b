package org.diskpaxos.blockdev.bench;

/** One measured transfer pattern: sequential transfers of one size, writes synchronous. */
public enum Op {
    WRITE_512(true, 512),
    WRITE_4K(true, 4096),
    READ_4K(false, 4096),
    READ_1M(false, 1 << 20);

    final boolean write;
    final int sizeBytes;

    Op(boolean write, int sizeBytes) {
        this.write = write;
        this.sizeBytes = sizeBytes;
    }

    public String label() {
        return (write ? "write " : "read ") + (sizeBytes >= 1 << 20 ? (sizeBytes >> 20) + " MiB" : sizeBytes >= 1024
                ? (sizeBytes >> 10) + " KiB" : sizeBytes + " B") + (write ? " (O_DSYNC)" : "");
    }
}
