package org.diskpaxos.activedisk.wire;

/** What a receiver concluded about one frame. Everything but {@link #OK} closes the connection. */
public enum FrameVerdict {
    OK,
    /** The length prefix is below the smallest frame. */
    TOO_SHORT,
    /** The length prefix is above the receiver's limit. */
    TOO_LONG,
    BAD_MAGIC,
    BAD_VERSION,
    /** Flags are reserved and must be zero. */
    BAD_FLAGS,
    /** The payload length disagrees with the frame length. */
    LENGTH_MISMATCH,
    BAD_CRC,
    /** The MAC does not verify: not sent by a holder of the key, or not in this session. */
    BAD_MAC,
    /** Authenticated but out of sequence: a replay, or a dropped frame. */
    BAD_SEQUENCE,
    /** A frame type not allowed here (a request before the hello, a second hello, a reply sent to the agent). */
    UNEXPECTED_TYPE
}
