package org.diskpaxos.activedisk;

/**
 * Why an agent refused a request ({@link AgentReply.Error}). For a ranked register every one of these is "this
 * object did not answer": the operation may be retried, here or on other agents.
 */
public enum ErrorCode {
    /** The request was authenticated but malformed: bad lengths, names, block numbers, trailing bytes. */
    BAD_REQUEST(1),
    /** The request type is not one this agent knows. */
    UNKNOWN_TYPE(2),
    /** The register (or block) is damaged on the device; the agent cannot answer for it. */
    CORRUPT(3),
    /** Every resource slot is in use. */
    FULL(4),
    /** Too many requests are waiting; try again later. */
    OVERLOADED(5),
    /** A device write or sync failed; the agent stopped answering so that no reply claims false durability. */
    STORAGE_FAILED(6),
    /** The agent is still loading its registers. */
    STARTING(7);

    private final int wire;

    ErrorCode(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The code for a wire value; null when unknown. */
    public static ErrorCode ofWire(int value) {
        for (ErrorCode c : values()) {
            if (c.wire == value) {
                return c;
            }
        }
        return null;
    }
}
