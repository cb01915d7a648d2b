package org.diskpaxos.activedisk.server;

import static org.diskpaxos.activedisk.Calls.call;
import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.wire.Frame;
import org.junit.jupiter.api.Test;

/**
 * The real agent shares syncs among concurrent requests (counted at the device), pays one per request without
 * group commit, and holds its bounds: connections beyond the limit are refused, a client that floods without
 * reading is not read from (and others are still served), oversized frames close the connection, and a port in
 * use is named.
 */
class AgentLimitsTest {

    private static int concurrentWrites(RunningAgent agent, int clients, int writesEach) throws Exception {
        List<AgentClient> cs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            cs.add(agent.client("c" + c));
        }
        call(cs.get(0), new AgentRequest.Stat());
        CountDownLatch done = new CountDownLatch(clients);
        AtomicInteger committed = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            AgentClient client = cs.get(c);
            int id = c + 1;
            agent.loop.execute(new Runnable() {
                int n;

                @Override
                public void run() {
                    client.send(new AgentRequest.RrWrite("g" + id, 0, rank(++n, id), new byte[] {1}),
                            TimeUnit.SECONDS.toNanos(10), reply -> {
                                if (reply instanceof AgentReply.RrWriteResult w
                                        && w.outcome() == AgentReply.WriteOutcome.COMMITTED) {
                                    committed.incrementAndGet();
                                }
                                if (n < writesEach) {
                                    run();
                                } else {
                                    done.countDown();
                                }
                            });
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS));
        return committed.get();
    }

    @Test
    void concurrentClientsShareSyncsAndWithoutGroupCommitEachWritePaysOne() throws Exception {
        int clients = 16;
        int each = 20;
        try (RunningAgent grouped = RunningAgent.start(new AgentGeometry(512, 64, 2, 0), CoreOptions.defaults(),
                ServerLimits.defaults())) {
            long before = grouped.device.storage().syncCount();
            assertEquals(clients * each, concurrentWrites(grouped, clients, each));
            long syncs = grouped.device.storage().syncCount() - before;
            assertTrue(syncs < clients * each / 2, "group commit: " + syncs + " syncs for " + clients * each
                    + " writes from " + clients + " clients");
        }
        try (RunningAgent single = RunningAgent.start(new AgentGeometry(512, 64, 2, 0), new CoreOptions(false, 4096),
                ServerLimits.defaults())) {
            long before = single.device.storage().syncCount();
            assertEquals(clients * each, concurrentWrites(single, clients, each));
            assertTrue(single.device.storage().syncCount() - before >= clients * each,
                    "without group commit every write has its own sync");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndCounted() throws Exception {
        ServerLimits limits = new ServerLimits(3, Frame.FRAME_BYTES_MAX, 8, 64, 1 << 20, 5_000);
        try (RunningAgent agent = RunningAgent.start(new AgentGeometry(512, 8, 2, 0), CoreOptions.defaults(),
                limits)) {
            List<RawSession> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(RawSession.authenticated(agent.address(), agent.key.bytes(), new Random(i)));
            }
            try (Socket extra = new Socket()) {
                extra.connect(agent.address(), 2000);
                extra.setSoTimeout(3000);
                assertEquals(-1, extra.getInputStream().read(), "the fourth connection is closed at once");
            }
            for (RawSession r : held) {
                r.close();
            }
            Thread.sleep(200);
            AgentReply.StatResult s = assertInstanceOf(AgentReply.StatResult.class,
                    call(agent.client("after"), new AgentRequest.Stat()));
            assertEquals(1, s.counter("connections_refused"));
        }
    }

    @Test
    void aClientThatFloodsWithoutReadingIsPausedAndOthersAreStillServed() throws Exception {
        ServerLimits limits = new ServerLimits(16, Frame.FRAME_BYTES_MAX, 8, 32, 64 * 1024, 5_000);
        try (RunningAgent agent = RunningAgent.start(new AgentGeometry(512, 8, 2, 0), CoreOptions.defaults(),
                limits)) {
            RawSession flood = RawSession.authenticated(agent.address(), agent.key.bytes(), new Random(1));
            flood.socket.setSoTimeout(100);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 200_000; i++) {
                        flood.send(flood.request(i + 1, new AgentRequest.Stat()));
                    }
                } catch (IOException e) {
                    // the socket filled up (we never read) and the test closed it: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(1000);
            AgentClient other = agent.client("polite");
            AgentReply.StatResult s = assertInstanceOf(AgentReply.StatResult.class,
                    call(other, new AgentRequest.Stat()));
            assertTrue(s.counter("read_pauses") > 0, "the flooding connection was never paused: " + s.counters());
            assertTrue(writer.isAlive(), "the flooder's writes should be blocked by TCP back-pressure by now");
            flood.close();
            writer.join(5000);
            assertFalse(writer.isAlive());
            assertInstanceOf(AgentReply.RrWriteResult.class, call(other, new AgentRequest.RrWrite("x", 0, rank(1, 1),
                    new byte[0])));
        }
    }

    @Test
    void aFrameLongerThanTheLimitClosesTheConnectionBeforeItIsRead() throws Exception {
        ServerLimits limits = new ServerLimits(16, 1024, 8, 64, 1 << 20, 5_000);
        try (RunningAgent agent = RunningAgent.start(new AgentGeometry(512, 8, 2, 0), CoreOptions.defaults(),
                limits)) {
            try (RawSession r = RawSession.authenticated(agent.address(), agent.key.bytes(), new Random(2))) {
                byte[] big = r.request(1, new AgentRequest.RrWrite("x", 0, rank(1, 1), new byte[256]));
                byte[] huge = r.frame(0x12, 2, new byte[2000]);
                assertTrue(big.length < 1024 && huge.length > 1024);
                r.send(big);
                assertInstanceOf(AgentReply.RrWriteResult.class, r.reply(1));
                r.send(java.util.Arrays.copyOf(huge, 4));
                assertTrue(r.closedByAgent());
            }
            AgentReply.StatResult s = assertInstanceOf(AgentReply.StatResult.class,
                    call(agent.client("after"), new AgentRequest.Stat()));
            assertEquals(1, s.counter("rejected_too_long"));
        }
    }

    @Test
    void aPortInUseIsNamedInTheError() throws Exception {
        try (RunningAgent agent = RunningAgent.start()) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> AgentServer.start(agent.device, agent.key, new InetSocketAddress("127.0.0.1",
                            agent.address().getPort()), ServerLimits.defaults(), line -> { }));
            assertTrue(e.getMessage().contains(":" + agent.address().getPort()) && e.getMessage().contains("--listen"),
                    e.getMessage());
        }
    }
}
