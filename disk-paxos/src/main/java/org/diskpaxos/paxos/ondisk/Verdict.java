package org.diskpaxos.paxos.ondisk;

/**
 * What decoding or validating on-disk bytes concluded. Bad media is an expected, operating condition: every
 * decoder returns one of these instead of throwing.
 *
 * <p>Record-level verdicts ({@code *Descriptor.decode}) look only at the record's own bytes. Area-level verdicts
 * ({@link AreaValidator}) also compare the record with what the caller configured (names, sector size, align size,
 * max hosts).
 */
public enum Verdict {
    /** Well formed; magic, major version and (where there is one) checksum are right. */
    VALID,
    /**
     * Never written: the record's bytes are all zero. For a dblock this is sanlock's {@code verify_dblock} rule
     * (checksum, mbal, bal, inp and lver all zero), which sanlock accepts as a valid dblock: see
     * {@link #acceptedAsDblock()}.
     */
    BLANK,
    /** The buffer ends before the record does (a short read); nothing was decoded. */
    TRUNCATED,
    /** The magic is not the one this record kind uses. */
    BAD_MAGIC,
    /** A leader record of the wrong kind: a paxos (resource) leader where a delta (lockspace) lease was expected, or the reverse. */
    WRONG_KIND,
    /** A resource leader invalidated by {@code sanlock direct init -r ... -z 1} (magic {@code PAXOS_DISK_CLEAR}). */
    CLEARED,
    /**
     * Sector 0 of a lockspace has magic 0 but an otherwise valid record: {@code delta_lease_init} was interrupted
     * between writing the whole area and committing sector 0.
     */
    INIT_INCOMPLETE,
    /** The major version is not one we (and sanlock 3.x) understand; minor versions are ignored, as sanlock does. */
    UNSUPPORTED_VERSION,
    /** The stored checksum does not match sanlock's CRC-32C of the checksummed range. */
    BAD_CHECKSUM,
    /** The leader's {@code sector_size} differs from the configured sector size. */
    WRONG_SECTOR_SIZE,
    /** The leader's {@code LFL_ALIGN_*} flag (or the legacy default) differs from the configured area size. */
    WRONG_ALIGN_SIZE,
    /** A resource leader's {@code max_hosts} differs from the configured maximum number of hosts. */
    WRONG_MAX_HOSTS,
    /** A resource leader's {@code num_hosts} is 0 or larger than its {@code max_hosts}. */
    BAD_NUM_HOSTS,
    /** The record names another lockspace. */
    WRONG_LOCKSPACE,
    /** The record names another resource. */
    WRONG_RESOURCE;

    /** True for the verdicts a caller may act on: {@link #VALID} only. */
    public boolean isValid() {
        return this == VALID;
    }

    /** sanlock's {@code verify_dblock}: a blank dblock is a valid dblock with mbal = bal = inp = lver = 0. */
    public boolean acceptedAsDblock() {
        return this == VALID || this == BLANK;
    }
}
