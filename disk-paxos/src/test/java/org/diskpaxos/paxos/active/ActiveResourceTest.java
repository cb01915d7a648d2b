package org.diskpaxos.paxos.active;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.ManualLoop;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Consensus} runs unchanged on {@link ActiveRankedRegister} over 1, 3 and 5 agents (the agent's own register
 * functions on a manual loop): it decides, adopts a value already chosen, survives a minority of silent or refusing
 * agents, ends with a failure (never a hang) when a majority is gone, and, on the fast path, a stable proposer's
 * later decisions send one write round and no read.
 */
class ActiveResourceTest {
    private static final long MS = 1_000_000L;
    private final ManualLoop loop = new ManualLoop();
    private final ActiveOptions options = new ActiveOptions(20 * MS, 100 * MS, 2 * MS, true);

    private Consensus.Decision<ActiveValue> propose(ActiveResource resource, long instance, String value) {
        Consensus<ActiveValue> consensus = new Consensus<>(loop, RandomSource.seeded(instance), MS, 4);
        AtomicReference<Consensus.Decision<ActiveValue>> out = new AtomicReference<>();
        consensus.propose(resource.register(instance), resource.nextRank(), ActiveValue.ofUtf8(value), out::set);
        loop.advance(60_000 * MS);
        assertNotNull(out.get(), "the proposal never ended");
        return out.get();
    }

    private static ActiveValue decided(Consensus.Decision<ActiveValue> d) {
        return assertInstanceOf(Consensus.Decision.Decided.class, d).value() instanceof ActiveValue v ? v : null;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5})
    void decidesOnOneThreeAndFiveAgentsAndALaterProposerAdoptsTheValue(int n) {
        List<LoopAgent> agents = LoopAgent.several(n, loop, 8);
        ActiveResource first = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        ActiveResource second = new ActiveResource("res", agents, new ProcessId(2, 2), options);
        assertEquals(ActiveValue.ofUtf8("first"), decided(propose(first, 0, "first")));
        assertEquals(ActiveValue.ofUtf8("first"), decided(propose(second, 0, "second")),
                "a decided value stays decided");
        assertEquals(ActiveValue.ofUtf8("second"), decided(propose(second, 1, "second")));
    }

    @Test
    void aSilentAgentAndARefusingAgentOfFiveDoNotStopProgress() {
        List<LoopAgent> agents = LoopAgent.several(5, loop, 8);
        agents.get(1).down = true;
        agents.get(3).refuseWith = ErrorCode.CORRUPT;
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        assertEquals(ActiveValue.ofUtf8("v"), decided(propose(r, 0, "v")));
    }

    @Test
    void lostRepliesAreRetriedAndTheRetriesAreIdempotent() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        agents.get(0).dropReplies = 2;
        agents.get(1).dropReplies = 2;
        agents.get(1).dropOnly = AgentRequest.RrWrite.class;
        agents.get(2).down = true;
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        assertEquals(ActiveValue.ofUtf8("v"), decided(propose(r, 0, "v")));
        // Agent 0's read took effect three times at one rank: the retries saw their own R and were not preempted.
        assertEquals(3, agents.get(0).count(AgentRequest.RrReadFrom.class));
        // Agent 1's write was applied, its reply lost, and the same write committed again on the retry.
        assertEquals(3, agents.get(1).count(AgentRequest.RrWrite.class));
        assertTrue(r.stats().retries() >= 4, r.stats().toString());
    }

    @Test
    void aMajorityGoneEndsTheProposalWithinTheDeadlines() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        agents.get(0).down = true;
        agents.get(2).down = true;
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        long startNs = loop.nowNs();
        Consensus<ActiveValue> consensus = new Consensus<>(loop, RandomSource.seeded(1), MS, 4);
        AtomicReference<Consensus.Decision<ActiveValue>> out = new AtomicReference<>();
        consensus.propose(r.register(0), r.nextRank(), ActiveValue.ofUtf8("v"), out::set);
        loop.advance(Consensus.UNAVAILABLE_MAX * (options.opDeadlineNs() + (MS << 4)) + MS);
        Consensus.Decision.Failed<ActiveValue> failed = assertInstanceOf(Consensus.Decision.Failed.class, out.get());
        assertTrue(failed.reason().contains("agent-0") && failed.reason().contains("agent-2"), failed.reason());
        assertTrue(loop.nowNs() - startNs <= 10 * options.opDeadlineNs());
    }

    @Test
    void aStableProposerPaysOneWriteRoundPerDecisionOnTheFastPath() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        for (int i = 0; i < 20; i++) {
            assertEquals(ActiveValue.ofUtf8("v" + i), decided(propose(r, i, "v" + i)));
        }
        for (LoopAgent a : agents) {
            assertEquals(1, a.count(AgentRequest.RrReadFrom.class), "one fence read, then none");
            assertEquals(20, a.count(AgentRequest.RrWrite.class), "one write per decision");
            assertEquals(0, a.count(AgentRequest.RrRead.class));
        }
        assertEquals(19, r.stats().fenceReads());
    }

    @Test
    void withoutTheFastPathEveryDecisionReadsAndWrites() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options.withFastPath(false));
        for (int i = 0; i < 5; i++) {
            decided(propose(r, i, "v" + i));
        }
        for (LoopAgent a : agents) {
            assertEquals(5, a.count(AgentRequest.RrRead.class));
            assertEquals(5, a.count(AgentRequest.RrWrite.class));
            assertEquals(0, a.count(AgentRequest.RrReadFrom.class));
        }
    }

    @Test
    void aCompetingProposerBreaksTheFenceAndBothAgree() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        ActiveResource a = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        ActiveResource b = new ActiveResource("res", agents, new ProcessId(2, 2), options);
        decided(propose(a, 0, "a0"));
        Rank fence = a.nextRank();
        assertEquals(ActiveValue.ofUtf8("b1"), decided(propose(b, 1, "b1")));
        // a's fence at the old rank is stale: its write at that rank aborts, it reads above b and adopts b1.
        assertEquals(fence, a.nextRank());
        assertEquals(ActiveValue.ofUtf8("b1"), decided(propose(a, 1, "a1")));
        assertTrue(a.nextRank().compareTo(fence) > 0);
    }

    @Test
    void oneOperationPerRegisterAndOneLoopPerResource() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        ActiveRankedRegister reg = r.register(0);
        List<RankedRegister.ReadOutcome<ActiveValue>> got = new ArrayList<>();
        reg.rrRead(r.nextRank(), got::add);
        assertThrows(IllegalStateException.class, () -> reg.rrRead(r.nextRank(), got::add));
        loop.advance(MS);
        assertEquals(1, got.size());
        assertThrows(IllegalArgumentException.class, () -> reg.rrRead(Rank.ZERO, got::add));
        reg.rrRead(new ProcessId(1, 1).rank(9), got::add); // not left busy by the refused call
        List<LoopAgent> mixed = new ArrayList<>(agents);
        mixed.add(new LoopAgent("elsewhere", new ManualLoop(), 8));
        assertThrows(IllegalArgumentException.class, () -> new ActiveResource("res", mixed, new ProcessId(1, 1),
                options));
    }

    @Test
    void closingEndsOperationsInProgress() {
        List<LoopAgent> agents = LoopAgent.several(3, loop, 8);
        agents.forEach(a -> a.down = true);
        ActiveResource r = new ActiveResource("res", agents, new ProcessId(1, 1), options);
        List<RankedRegister.Outcome> got = new ArrayList<>();
        r.register(0).rrWrite(r.nextRank(), ActiveValue.ofUtf8("v"), got::add);
        r.close();
        loop.runReady();
        assertInstanceOf(RankedRegister.Outcome.Unavailable.class, got.get(0));
        assertThrows(IllegalStateException.class, () -> r.register(1).rrRead(r.nextRank(), o -> { }));
    }
}
