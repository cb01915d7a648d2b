package org.diskpaxos.lock.api;

/**
 * Exclusive (one holder) or shared (any number of holders, no exclusive one). Only an exclusive holder writes the
 * lock value block ({@link Lease#setLvb}); every holder reads it.
 */
public enum LeaseMode {
    /** One holder at a time (sanlock's default). */
    EXCLUSIVE,
    /** Any number of holders together, and no exclusive holder meanwhile (sanlock's {@code SANLK_RES_SHARED}). */
    SHARED
}
