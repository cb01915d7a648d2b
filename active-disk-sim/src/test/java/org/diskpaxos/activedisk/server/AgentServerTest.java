package org.diskpaxos.activedisk.server;

import static org.diskpaxos.activedisk.Calls.call;
import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.junit.jupiter.api.Test;

/** A real agent over TCP answers every operation through the authenticated client and keeps state across restarts. */
class AgentServerTest {

    @Test
    void everyOperationWorksEndToEnd() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            AgentClient c = agent.client("e2e");
            AgentReply.RrWriteResult w = assertInstanceOf(AgentReply.RrWriteResult.class,
                    call(c, new AgentRequest.RrWrite("lease/a", 4, rank(2, 9), new byte[] {7, 7})));
            assertEquals(AgentReply.WriteOutcome.COMMITTED, w.outcome());
            AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                    call(c, new AgentRequest.RrRead("lease/a", 4, rank(3, 1))));
            assertEquals(rank(2, 9), r.w());
            assertArrayEquals(new byte[] {7, 7}, r.value());
            AgentReply.RrWriteResult aborted = assertInstanceOf(AgentReply.RrWriteResult.class,
                    call(c, new AgentRequest.RrWrite("lease/a", 5, rank(2, 9), new byte[] {1})));
            assertEquals(AgentReply.WriteOutcome.ABORTED, aborted.outcome());
            assertEquals(rank(3, 1), aborted.hint());
            AgentReply.RrReadFromResult from = assertInstanceOf(AgentReply.RrReadFromResult.class,
                    call(c, new AgentRequest.RrReadFrom("lease/a", 0, rank(4, 1))));
            assertEquals(List.of(4L), from.instances().stream().map(AgentReply.InstanceValue::instance).toList());
            byte[] zero = new byte[AgentLimits.CAS_BLOCK_BYTES];
            byte[] one = zero.clone();
            one[0] = 1;
            assertTrue(assertInstanceOf(AgentReply.CasResult.class,
                    call(c, new AgentRequest.CompareAndWrite(3, zero, one))).swapped());
            assertArrayEquals(one, assertInstanceOf(AgentReply.BlockContent.class,
                    call(c, new AgentRequest.ReadBlock(3))).content());
            AgentReply.StatResult s = assertInstanceOf(AgentReply.StatResult.class,
                    call(c, new AgentRequest.Stat()));
            assertEquals("test", s.agentName());
            assertEquals(1, s.counter("handshakes"));
            assertEquals(0, s.counter("frames_rejected"));
            assertEquals(agent.device.superblock().idHex(), c.agentId());
        }
    }

    @Test
    void registersSurviveAnAgentRestartOnTheSameDevice() throws Exception {
        RunningAgent first = RunningAgent.start();
        AgentClient c = first.client("before");
        call(c, new AgentRequest.RrWrite("x", 1, rank(5, 5), new byte[] {5}));
        call(c, new AgentRequest.RrRead("x", 1, rank(6, 6)));
        first.close();
        try (RunningAgent second = RunningAgent.reopen(first, org.diskpaxos.activedisk.core.CoreOptions.defaults())) {
            AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                    call(second.client("after"), new AgentRequest.RrRead("x", 1, AgentRank.ZERO)));
            assertEquals(rank(6, 6), r.previousR());
            assertEquals(rank(5, 5), r.w());
            assertArrayEquals(new byte[] {5}, r.value());
        }
    }
}
