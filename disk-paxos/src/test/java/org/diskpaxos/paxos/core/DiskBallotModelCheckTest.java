package org.diskpaxos.paxos.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diskpaxos.paxos.core.DiskBallotModelCheck.Bounds;
import org.diskpaxos.paxos.core.DiskBallotModelCheck.Mutation;
import org.diskpaxos.paxos.core.DiskBallotModelCheck.Report;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every interleaving of two proposers over three disks deciding one instance — with I/O failures, timeouts with late
 * completions, and a crash with restart — keeps agreement, validity and ranked-register safety on the real
 * {@link DiskBallot} core; and the same search finds the violation when the algorithm is deliberately broken, so
 * the checks can fail. The larger configurations are tagged {@code long} ({@code mvn verify -Plong}).
 */
class DiskBallotModelCheckTest {

    private static final long STATES_MAX = 40_000_000;

    private static Report check(Bounds b, Mutation m) {
        long t0 = System.nanoTime();
        Report r = new DiskBallotModelCheck(b, m).run(STATES_MAX);
        System.out.printf("%s %s: %,d states, %,d transitions, depth %d, %.1f s, violation: %s%n", b, m, r.states(),
                r.transitions(), r.maxDepth(), (System.nanoTime() - t0) / 1e9, r.violation());
        return r;
    }

    private static void assertSafe(Bounds b) {
        Report r = check(b, Mutation.NONE);
        assertNull(r.violation(), r.violation());
        assertTrue(r.decisions() > 0, "no state decided: the model explores nothing useful");
    }

    @Test
    void twoProposersThreeDisks() {
        assertSafe(new Bounds(2, 3, 1, 0, 0, 0));
    }

    @Test
    void twoProposersThreeDisksWithACrash() {
        assertSafe(new Bounds(2, 3, 1, 1, 0, 0));
    }

    @Test
    void twoProposersThreeDisksWithAnIoFailureOrALostWrite() {
        assertSafe(new Bounds(2, 3, 1, 0, 1, 0));
    }

    @Test
    void twoProposersThreeDisksWithATimeoutAndLateCompletion() {
        assertSafe(new Bounds(2, 3, 1, 0, 0, 1));
    }

    @Test
    void twoProposersTwoDisksTwoBallotsWithACrash() {
        assertSafe(new Bounds(2, 2, 2, 1, 0, 0));
    }

    @Test
    void threeProposersOneDiskTwoBallots() {
        assertSafe(new Bounds(3, 1, 2, 0, 0, 0));
    }

    @Test
    void ignoringTheValueReadBreaksAgreement() {
        Report r = check(new Bounds(2, 3, 1, 0, 0, 0), Mutation.OWN_VALUE);
        assertNotNull(r.violation(), "the checker missed a deliberate agreement bug");
        assertTrue(r.violation().startsWith("agreement"), r.violation());
    }

    @Test
    void zeroingBalOnPhaseOneLikeSanlockLosesACommittedWriteAfterACrash() {
        Report r = check(new Bounds(2, 2, 2, 1, 0, 0), Mutation.ZERO_BAL_ON_PHASE1);
        assertNotNull(r.violation(), "the checker missed the lost committed write");
        assertTrue(r.violation().startsWith("ranked-register safety"), r.violation());
    }

    @Test
    void skippingPhaseZeroBreaksAgreementAfterACrash() {
        Report r = check(new Bounds(2, 2, 2, 1, 0, 0), Mutation.NO_RECOVERY);
        assertNotNull(r.violation(), "the checker missed the forgotten write");
    }

    @Test
    void countingADiskWithoutReadingBackTheOwnWriteBreaksSafetyWhenAWriteIsLost() {
        Report r = check(new Bounds(2, 3, 1, 0, 1, 0), Mutation.NO_OWN_BLOCK_CHECK);
        assertNotNull(r.violation(), "the checker missed the lost write");
    }

    @Test
    @Tag("long")
    void twoProposersThreeDisksTwoBallots() {
        assertSafe(new Bounds(2, 3, 2, 0, 0, 0));
    }

    @Test
    @Tag("long")
    void twoProposersThreeDisksWithAnIoFailureAndATimeout() {
        assertSafe(new Bounds(2, 3, 1, 0, 1, 1));
    }

    @Test
    @Tag("long")
    void twoProposersTwoDisksTwoBallotsWithEveryFault() {
        assertSafe(new Bounds(2, 2, 2, 1, 1, 1));
    }
}
