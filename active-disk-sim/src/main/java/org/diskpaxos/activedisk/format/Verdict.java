package org.diskpaxos.activedisk.format;

/** What the bytes of one agent sector are. Bad media is expected: decoders return this, never throw. */
public enum Verdict {
    /** Well formed, checksum right, fields in range. */
    VALID,
    /** All zero: never written (or wiped). */
    BLANK,
    /** Not an agent sector (wrong magic). */
    BAD_MAGIC,
    /** The CRC-32C does not match: torn, garbled or bit-flipped. */
    BAD_CHECKSUM,
    /** A format version this code does not read. */
    UNSUPPORTED_VERSION,
    /** A record of another kind than expected at this place. */
    WRONG_KIND,
    /** The record says it belongs at another sector: a misdirected write or read. */
    MISPLACED,
    /** The checksum is right but a field is out of range (a bug, or a crafted sector). */
    BAD_FIELD;

    /** Whether this sector holds data that cannot be trusted (neither valid nor blank). */
    public boolean isDamaged() {
        return this != VALID && this != BLANK;
    }
}
