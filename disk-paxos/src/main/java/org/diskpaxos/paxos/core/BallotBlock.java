package org.diskpaxos.paxos.core;

/**
 * One process's block for one consensus instance, the paper's {@code dblock} (named apart from the on-disk codec's
 * {@code Dblock}, which also carries sanlock's flags): what it writes to its own sector on
 * every disk and what others read there.
 *
 * <p>Invariants (the paper's HInv2, checked on construction): {@code mbal >= bal}; {@code bal == 0} exactly when
 * {@code inp} is {@link Inp#NONE}; all non-negative. Blocks whose {@code lver} is below the instance being decided
 * count as the initial block ({@link #initial(long)}) for that instance.
 *
 * @param mbal the highest ballot this process has begun
 * @param bal  the ballot in which {@code inp} was last written in phase 2 (0: never)
 * @param inp  the value written in ballot {@code bal}
 * @param lver the consensus instance (lease version) this block belongs to
 */
public record BallotBlock(long mbal, long bal, Inp inp, long lver) {

    public BallotBlock {
        if (mbal < 0 || bal < 0 || lver < 0) {
            throw new IllegalArgumentException("negative field in dblock " + mbal + "/" + bal + "/" + lver);
        }
        if (bal > mbal) {
            throw new IllegalArgumentException("dblock bal " + bal + " above mbal " + mbal);
        }
        if ((bal == 0) != inp.isNone()) {
            throw new IllegalArgumentException("dblock bal " + bal + " and inp " + inp + " disagree");
        }
    }

    /** The initial block of instance {@code lver}: nothing begun, nothing written. */
    public static BallotBlock initial(long lver) {
        return new BallotBlock(0, 0, Inp.NONE, lver);
    }

    /** Whether fields that must hold for a block to be well formed hold; for blocks decoded from disk. */
    public static boolean wellFormed(long mbal, long bal, long inp, long lver) {
        return mbal >= 0 && bal >= 0 && lver >= 0 && bal <= mbal && (bal == 0) == (inp == 0);
    }

    public BallotBlock withMbal(long newMbal) {
        return new BallotBlock(newMbal, bal, inp, lver);
    }

    @Override
    public String toString() {
        return "dblock{lver " + lver + " mbal " + mbal + " bal " + bal + " inp " + inp + "}";
    }
}
