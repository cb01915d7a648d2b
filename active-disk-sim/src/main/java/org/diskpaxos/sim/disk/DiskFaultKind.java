package org.diskpaxos.sim.disk;

/** The faults a simulated disk can inject; each decorator injects exactly one. */
public enum DiskFaultKind {
    /** {@link StallDisk}: held for long enough that the caller's timeout fires; completes late. */
    STALL,
    /** {@link UnresponsiveDisk}: held while the disk (or the host's path to it) does not answer. */
    HELD,
    /** {@link CrashDropDisk}: the issuing host crashed while the I/O was in flight and it never landed. */
    DROPPED,
    /** {@link ErrorDisk}: failed with an I/O error, nothing transferred. */
    ERROR,
    /** {@link TornWriteDisk}: only some whole sectors of a multi-sector write landed; reported failed. */
    TORN,
    /** {@link MisdirectDisk}: transferred at the wrong sectors; reported OK. */
    MISDIRECTED,
    /** {@link BitFlipDisk}: one bit of the data read or written was flipped; reported OK. */
    BIT_FLIP,
    /** {@link WriteCacheDisk}: power was lost; unsynced sectors were kept, lost or corrupted (no request mark). */
    POWER_LOSS;

    int bit() {
        return 1 << ordinal();
    }
}
