package org.diskpaxos.paxos.core;

/**
 * A value a ballot tries to commit: the paper's {@code inp}, stored as sanlock's three fields {@code inp},
 * {@code inp2}, {@code inp3}. For resource leases they are the owner's host id, its host generation and its
 * monotonic timestamp; other users (the simulator's consensus workload) use them as they like, as long as
 * {@code inp != 0}: an {@code inp} of 0 means "NotAnInput", no value ({@link #NONE}).
 */
public record Inp(long inp, long inp2, long inp3) {

    /** NotAnInput. */
    public static final Inp NONE = new Inp(0, 0, 0);

    public Inp {
        if (inp == 0 && (inp2 != 0 || inp3 != 0)) {
            throw new IllegalArgumentException("inp 0 means no value; inp2 and inp3 must be 0 too");
        }
    }

    public boolean isNone() {
        return inp == 0;
    }

    @Override
    public String toString() {
        return isNone() ? "none" : inp + "/" + inp2 + "/" + inp3;
    }
}
