package org.diskpaxos.paxos.active.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diskpaxos.paxos.active.core.ActiveModelCheck.Bounds;
import org.diskpaxos.paxos.active.core.ActiveModelCheck.Mutation;
import org.diskpaxos.paxos.active.core.ActiveModelCheck.Report;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every interleaving of two proposers deciding two instances over three agents, with the fast path (one fence, then
 * one write round per decision) and without, keeps agreement, validity, ranked-register safety and the Paxos
 * invariant on the real {@link ActiveClientCore} against the agent's real register functions; and the same search
 * finds the violation when the client is deliberately broken, so the checks can fail. Each fault kind (loss,
 * duplication, timeout with a late reply, deadline, agent crash, proposer crash) has its own configuration; the
 * larger ones are tagged {@code long} ({@code mvn verify -Plong}).
 */
class ActiveModelCheckTest {

    private static final long STATES_MAX = 40_000_000;

    private static Report check(Bounds b, Mutation m) {
        long t0 = System.nanoTime();
        Report r = new ActiveModelCheck(b, m).run(STATES_MAX);
        System.out.printf("%s %s: %,d states, %,d transitions, depth %d, %d fence reads, %.1f s, violation: %s%n",
                b, m, r.states(), r.transitions(), r.maxDepth(), r.fenceReads(), (System.nanoTime() - t0) / 1e9,
                r.violation() == null ? null : r.violation().lines().findFirst().orElse(""));
        return r;
    }

    /** proposers 2, agents 3, instances 2, the given window, fast path, ballots and faults. */
    private static Bounds b(int window, boolean fast, int ballots, int losses, int dups, int timeouts, int deadlines,
                            int agentCrashes, int proposerCrashes) {
        return new Bounds(2, 3, 2, window, fast, ballots, losses, dups, timeouts, deadlines, agentCrashes,
                proposerCrashes);
    }

    private static void assertSafe(Bounds b) {
        Report r = check(b, Mutation.NONE);
        assertNull(r.violation(), r.violation());
        assertTrue(r.decisions() >= b.instances(), "no state decided every instance: the model explores too little");
        if (b.fastPath()) {
            assertTrue(r.fenceReads() > 0, "no read was answered by a fence: the fast path went unchecked");
        }
    }

    private static void assertCaught(Bounds b, Mutation m, String kind) {
        Report r = check(b, m);
        assertNotNull(r.violation(), "the checker missed " + m);
        assertTrue(r.violation().startsWith(kind), r.violation());
    }

    @Test
    void fastPathTwoInstances() {
        assertSafe(b(4, true, 2, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void classicReadsTwoInstances() {
        assertSafe(b(4, false, 2, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void fastPathWithCompaction() {
        assertSafe(b(1, true, 2, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void fastPathWithADuplicate() {
        assertSafe(b(4, true, 2, 0, 1, 0, 0, 0, 0));
    }

    @Test
    void fastPathWithAnAgentCrash() {
        assertSafe(b(4, true, 2, 0, 0, 0, 0, 1, 0));
    }

    @Test
    void ignoringTheValueReadBreaksAgreement() {
        assertCaught(b(4, true, 3, 0, 0, 0, 0, 0, 0), Mutation.OWN_VALUE, "paxos invariant");
    }

    @Test
    void readingFromOneAgentIsCaught() {
        assertCaught(b(4, true, 3, 0, 0, 0, 0, 0, 0), Mutation.READ_FROM_ONE_AGENT, "ranked-register safety");
    }

    @Test
    void committingOnOneAgentIsCaught() {
        assertCaught(b(4, true, 3, 0, 0, 0, 0, 0, 0), Mutation.COMMIT_ON_ONE_AGENT, "ranked-register safety");
    }

    @Test
    void aFenceAnsweringHigherRanksIsCaught() {
        assertCaught(b(4, true, 3, 0, 0, 0, 0, 0, 0), Mutation.FENCE_ANSWERS_HIGHER_RANKS, "ranked-register safety");
    }

    @Test
    void takingCompactedAsEmptyIsCaught() {
        assertCaught(b(1, true, 2, 0, 0, 0, 0, 0, 0), Mutation.COMPACTED_AS_EMPTY, "ranked-register safety");
    }

    @Test
    void acceptingLateRepliesIsCaught() {
        assertCaught(b(4, true, 3, 0, 0, 0, 0, 0, 0), Mutation.LATE_REPLIES_ACCEPTED, "ranked-register safety");
    }

    @Test
    @Tag("long")
    void fastPathThreeBallots() {
        assertSafe(b(4, true, 3, 0, 0, 0, 0, 0, 0));
    }

    @Test
    @Tag("long")
    void fastPathWithALoss() {
        assertSafe(b(4, true, 2, 1, 0, 0, 0, 0, 0));
    }

    @Test
    @Tag("long")
    void fastPathWithATimeoutAndALateReply() {
        assertSafe(b(4, true, 2, 0, 0, 1, 0, 0, 0));
    }

    @Test
    @Tag("long")
    void fastPathWithADeadline() {
        assertSafe(b(4, true, 2, 0, 0, 0, 1, 0, 0));
    }

    @Test
    @Tag("long")
    void fastPathWithAProposerCrash() {
        assertSafe(b(4, true, 2, 0, 0, 0, 0, 0, 1));
    }
}
