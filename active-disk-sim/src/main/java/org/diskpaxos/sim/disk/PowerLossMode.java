package org.diskpaxos.sim.disk;

/** What a power loss does to the sectors in a disk's write cache that were not synced (FoundationDB's KillMode). */
public enum PowerLossMode {
    /** Every unsynced sector is lost. */
    DROP_ALL,
    /** Each unsynced sector independently lands or is lost. */
    DROP_SOME,
    /** Each unsynced sector independently lands, is lost, or is left holding garbage. */
    CORRUPT_SOME
}
