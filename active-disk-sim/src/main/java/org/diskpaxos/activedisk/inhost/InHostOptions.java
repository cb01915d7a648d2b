package org.diskpaxos.activedisk.inhost;

/**
 * How to create (and use) an in-host register file.
 *
 * @param resourcesMax  resource records (fixed when the file is created)
 * @param window        K instances kept per resource (fixed when the file is created)
 * @param casBlocks     compare-and-write blocks (fixed when the file is created)
 * @param durable       msync every change (and any unsynced state found) before answering: the state survives a
 *                      machine crash. Without it the state survives process crashes only (the page cache is
 *                      shared), at memory speed.
 * @param lockWaitMs    longest wait for a record's lock before answering {@code Unavailable}
 */
public record InHostOptions(int resourcesMax, int window, int casBlocks, boolean durable, long lockWaitMs) {
    public InHostOptions {
        new InHostLayout(resourcesMax, window, casBlocks);
        if (lockWaitMs < 1) {
            throw new IllegalArgumentException("lock wait must be at least 1 ms, got " + lockWaitMs);
        }
    }

    public static InHostOptions defaults() {
        return new InHostOptions(256, 8, 64, true, 1_000);
    }

    public InHostOptions withDurable(boolean d) {
        return new InHostOptions(resourcesMax, window, casBlocks, d, lockWaitMs);
    }

    public InHostOptions withLockWaitMs(long ms) {
        return new InHostOptions(resourcesMax, window, casBlocks, durable, ms);
    }
}
