package org.diskpaxos.paxos.ondisk;

/**
 * sanlock's {@code struct paxos_dblock}: one host's Disk Paxos block in a resource area (Gafni &amp; Lamport's
 * {@code dblock[p]}, extended with the instance number {@code lver}). The checksum is not a field: it is computed by
 * {@link DblockDescriptor#encode} and verified by {@link DblockDescriptor#decode}.
 *
 * @param mbal highest ballot number this host has started
 * @param bal the ballot in which {@code inp} was last written (0 = none)
 * @param inp proposed owner host id; 0 = NotAnInput
 * @param inp2 proposed owner's host generation
 * @param inp3 proposer's monotonic timestamp, becomes the leader's timestamp
 * @param lver the lease version (Paxos instance) this block belongs to
 * @param flags {@link DblockDescriptor#DBLOCK_FL_RELEASED}; not covered by the checksum
 */
public record Dblock(long mbal, long bal, long inp, long inp2, long inp3, long lver, int flags) {
    /** The never-written block. */
    public static final Dblock ZERO = new Dblock(0, 0, 0, 0, 0, 0, 0);

    /** Phase 1 ({@code rrRead}): a block announcing ballot {@code mbal} for instance {@code lver}, no input. */
    public static Dblock phase1(long mbal, long lver) {
        return new Dblock(mbal, 0, 0, 0, 0, lver, 0);
    }

    /** Phase 2 ({@code rrWrite}): {@code bal = mbal} and the chosen input. */
    public static Dblock phase2(long mbal, long lver, long inp, long inp2, long inp3) {
        return new Dblock(mbal, mbal, inp, inp2, inp3, lver, 0);
    }

    /** The owner released the lease but kept its dblock values for concurrent ballots (sanlock.md §2.2). */
    public boolean isReleased() {
        return (flags & DblockDescriptor.DBLOCK_FL_RELEASED) != 0;
    }

    public Dblock withFlags(int newFlags) {
        return new Dblock(mbal, bal, inp, inp2, inp3, lver, newFlags);
    }
}
