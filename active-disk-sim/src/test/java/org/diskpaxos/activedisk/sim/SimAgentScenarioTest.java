package org.diskpaxos.activedisk.sim;

import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.disk.PowerLossMode;
import org.diskpaxos.sim.net.LinkFaults;
import org.junit.jupiter.api.Test;

/** Scripted runs of the simulated agent at the moments that matter: restarts between write and sync, a network
 * that duplicates and reorders every message, one that loses a third of them, and a partition. */
class SimAgentScenarioTest {
    private static final byte[] V = {4, 2};

    private static DiskFaults cachedDisk() {
        return DiskFaults.none(LatencyModel.fixed(100_000)).withWriteCache(true);
    }

    @Test
    void anAgentRestartedOverUnsyncedWritesSyncsBeforeItAnswersFromThem() {
        Scenario s = new Scenario(cachedDisk(), LinkFaults.reliable(50_000));
        assertEquals(AgentReply.WriteOutcome.COMMITTED, assertInstanceOf(AgentReply.RrWriteResult.class,
                s.call(new AgentRequest.RrWrite("x", 0, rank(5, 1), V))).outcome());
        // A read at 9 changes R; its batch reaches the disk's volatile cache but its sync never happens.
        s.device.holdSyncs = true;
        AgentReply[] unanswered = new AgentReply[1];
        s.send(new AgentRequest.RrRead("x", 0, rank(9, 1)), r -> unanswered[0] = r);
        s.runFor(5_000_000L);
        assertTrue(s.device.held > 0, "the batch is waiting for its sync");
        assertNull(unanswered[0], "no reply before the sync");
        // The agent process dies; the new one loads R = 9 from the cache and answers a read at 7 from it.
        s.restartAgent();
        AgentReply.RrReadResult seen = assertInstanceOf(AgentReply.RrReadResult.class,
                s.call(new AgentRequest.RrRead("x", 0, rank(7, 1))));
        assertEquals(rank(9, 1), seen.previousR(), "the restarted agent revealed R = 9");
        // Power loss now: whatever is still unsynced in the disk's cache is gone.
        s.sim.disk(0).powerLoss(PowerLossMode.DROP_ALL);
        s.restartAgent();
        AgentReply.RrReadResult after = assertInstanceOf(AgentReply.RrReadResult.class,
                s.call(new AgentRequest.RrRead("x", 0, AgentRank.ZERO)));
        assertEquals(rank(9, 1), after.previousR(), "R = 9 was revealed, so it must have been made durable first");
        assertEquals(rank(5, 1), after.w());
    }

    @Test
    void duplicatedAndReorderedRequestsRunOnceEach() {
        LinkFaults everyMessageTwice = new LinkFaults(new LatencyModel(20_000, 400_000, 3_000_000), 0, 1.0, true);
        Scenario s = new Scenario(DiskFaults.none(LatencyModel.fixed(50_000)), everyMessageTwice);
        byte[] a = new byte[AgentLimits.CAS_BLOCK_BYTES];
        byte[] b = a.clone();
        b[0] = 1;
        int swaps = 0;
        for (int i = 0; i < 40; i++) {
            byte[] from = i % 2 == 0 ? a : b;
            byte[] to = i % 2 == 0 ? b : a;
            AgentReply.CasResult r = assertInstanceOf(AgentReply.CasResult.class,
                    s.call(new AgentRequest.CompareAndWrite(1, from, to)));
            assertTrue(r.swapped(), "swap " + i + ": a duplicate of an earlier swap ran in between");
            swaps++;
        }
        s.runFor(20_000_000L);
        assertEquals(swaps, s.agent.core().counters().casSwapped(),
                "the agent applied exactly the swaps the client asked for; duplicates applied nothing");
        assertTrue(s.agent.duplicatesDropped() >= 35, "duplicates dropped: " + s.agent.duplicatesDropped());
        assertTrue(s.client.lateReplies() >= 35, "duplicate replies dropped: " + s.client.lateReplies());
    }

    @Test
    void writesRetriedThroughALossyLinkCommitOnceAndStayCommitted() {
        LinkFaults lossy = new LinkFaults(new LatencyModel(20_000, 200_000, 2_000_000), 0.3, 0, true);
        Scenario s = new Scenario(DiskFaults.none(LatencyModel.fixed(50_000)), lossy);
        int unavailable = 0;
        for (int i = 1; i <= 20; i++) {
            AgentRequest.RrWrite w = new AgentRequest.RrWrite("y", i, rank(i, 3), new byte[] {(byte) i});
            AgentReply r;
            while ((r = s.call(w)) instanceof AgentReply.Unavailable) {
                unavailable++;
            }
            assertEquals(AgentReply.WriteOutcome.COMMITTED, assertInstanceOf(AgentReply.RrWriteResult.class, r)
                    .outcome(), "write " + i + ": a retry of a write that already committed must commit");
        }
        assertTrue(unavailable > 0, "the link lost nothing: the test proves nothing");
        assertTrue(s.agent.core().counters().retryCommits() + s.agent.core().counters().commits() >= 20);
        assertEquals(rank(20, 3), s.agent.core().registers("y").slotW(s.agent.core().registers("y").slotOf(20)));
    }

    @Test
    void aPartitionMakesRequestsUnavailableAndHealingRestoresThem() {
        Scenario s = new Scenario(DiskFaults.none(LatencyModel.fixed(50_000)), LinkFaults.reliable(100_000));
        assertInstanceOf(AgentReply.RrWriteResult.class, s.call(new AgentRequest.RrWrite("z", 0, rank(1, 1), V)));
        s.sim.network().partition(0, 1);
        List<AgentReply> cut = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cut.add(s.call(new AgentRequest.RrRead("z", 0, rank(2 + i, 1))));
        }
        for (AgentReply r : cut) {
            assertInstanceOf(AgentReply.Unavailable.class, r);
        }
        s.sim.network().heal(0, 1);
        AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                s.call(new AgentRequest.RrRead("z", 0, rank(9, 1))));
        assertEquals(rank(1, 1), r.w());
    }
}
