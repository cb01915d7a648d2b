package org.diskpaxos.activedisk;

import static org.diskpaxos.activedisk.Calls.call;
import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.server.GatedStorage;
import org.diskpaxos.activedisk.server.RunningAgent;
import org.diskpaxos.activedisk.server.ServerLimits;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.junit.jupiter.api.Test;

/**
 * The network client keeps the AgentConnection contract: one callback per request on the loop, Unavailable on
 * timeouts and lost connections (naming the cause: silence, wrong key, unexpected agent), a bound on requests in
 * flight, reconnection to a restarted agent, and late replies dropped and counted.
 */
class AgentClientTest {
    private static final long SHORT_NS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void aSilentPeerMakesRequestsUnavailableAfterTheirTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                ThreadedEventLoop loop = new ThreadedEventLoop("client-test");
                AgentTransport transport = AgentTransport.start("client-test-net")) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AgentKey key = AgentKey.of(randomKey());
            AgentClient c = transport.connect(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), key, loop,
                    AgentClientOptions.defaults("t"));
            long start = System.nanoTime();
            AgentReply r = call(c, new AgentRequest.Stat(), SHORT_NS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(AgentReply.Unavailable.class, r);
            assertTrue(tookMs >= 290 && tookMs < 3000, "timed out after " + tookMs + " ms");
            loop.execute(c::close);
        }
    }

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void aWrongKeyOrAnUnexpectedAgentIsNamedInTheFailure() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            AgentClient wrongKey = agent.transport.connect(agent.address(), AgentKey.of(randomKey()), agent.loop,
                    AgentClientOptions.defaults("wrong"));
            AgentReply.Unavailable u = assertInstanceOf(AgentReply.Unavailable.class,
                    call(wrongKey, new AgentRequest.Stat(), SHORT_NS));
            assertTrue(u.reason().contains("another key file"), u.reason());
            AgentClient wrongAgent = agent.transport.connect(agent.address(), agent.key, agent.loop,
                    AgentClientOptions.defaults("picky").withExpectedAgentId("0123456789abcdef0123456789abcdef"));
            u = assertInstanceOf(AgentReply.Unavailable.class, call(wrongAgent, new AgentRequest.Stat(), SHORT_NS));
            assertTrue(u.reason().contains("not the expected"), u.reason());
            AgentClient right = agent.transport.connect(agent.address(), agent.key, agent.loop,
                    AgentClientOptions.defaults("right").withExpectedAgentId(agent.device.superblock().idHex()));
            assertInstanceOf(AgentReply.StatResult.class, call(right, new AgentRequest.Stat()));
            agent.loop.execute(() -> {
                wrongKey.close();
                wrongAgent.close();
                right.close();
            });
        }
    }

    @Test
    void requestsBeyondTheInFlightBoundAreRefusedAtOnce() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            AgentClient c = agent.transport.connect(agent.address(), agent.key, agent.loop,
                    AgentClientOptions.defaults("bounded").withInFlightMax(4));
            List<AgentReply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(10);
            agent.loop.execute(() -> {
                for (int i = 0; i < 10; i++) {
                    c.send(new AgentRequest.RrRead("x", 0, rank(i + 1, 1)), TimeUnit.SECONDS.toNanos(5), r -> {
                        replies.add(r);
                        all.countDown();
                    });
                }
            });
            assertTrue(all.await(10, TimeUnit.SECONDS));
            long refused = replies.stream().filter(r -> r instanceof AgentReply.Unavailable u
                    && u.reason().contains("already wait")).count();
            assertEquals(6, refused);
            assertEquals(4, replies.stream().filter(r -> r instanceof AgentReply.RrReadResult).count());
            agent.loop.execute(c::close);
        }
    }

    @Test
    void aReplyAfterTheTimeoutIsDroppedAndCounted() throws Exception {
        GatedStorage[] gate = new GatedStorage[1];
        try (RunningAgent agent = RunningAgent.start(new org.diskpaxos.activedisk.format.AgentGeometry(512, 8, 2, 0),
                CoreOptions.defaults(), ServerLimits.defaults(), s -> gate[0] = new GatedStorage(s))) {
            AgentClient c = agent.client("late");
            call(c, new AgentRequest.Stat());
            gate[0].closeGate();
            AgentReply r = call(c, new AgentRequest.RrWrite("x", 0, rank(1, 1), new byte[] {1}), SHORT_NS);
            assertInstanceOf(AgentReply.Unavailable.class, r, "the sync is held, so no reply in time");
            assertEquals(0, c.lateReplies());
            gate[0].openGate();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.lateReplies() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, c.lateReplies(), "the reply that came after the timeout was counted, not delivered");
            AgentReply.RrReadResult read = assertInstanceOf(AgentReply.RrReadResult.class,
                    call(c, new AgentRequest.RrRead("x", 0, AgentRank.ZERO)));
            assertEquals(rank(1, 1), read.w(), "the timed-out write did take effect: Unavailable means unknown");
        }
    }

    @Test
    void theClientReconnectsToARestartedAgent() throws Exception {
        RunningAgent first = RunningAgent.start();
        AgentClient c = first.client("survivor");
        assertInstanceOf(AgentReply.RrWriteResult.class, call(c, new AgentRequest.RrWrite("x", 0, rank(1, 1),
                new byte[] {1})));
        int port = first.address().getPort();
        first.server.close();
        RunningAgent.AgentOnPort second = RunningAgent.reopenOnPort(first, port);
        try {
            AgentReply r = null;
            for (int i = 0; i < 50 && !(r instanceof AgentReply.RrReadResult); i++) {
                r = call(c, new AgentRequest.RrRead("x", 0, AgentRank.ZERO), SHORT_NS);
            }
            assertEquals(rank(1, 1), assertInstanceOf(AgentReply.RrReadResult.class, r).w());
            assertTrue(c.sessions() >= 2, "sessions " + c.sessions());
        } finally {
            second.close();
            first.close();
        }
    }
}
