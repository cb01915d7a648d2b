package org.diskpaxos.activedisk.server;

import static org.diskpaxos.activedisk.Calls.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.activedisk.TestKeys;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.junit.jupiter.api.Test;

/**
 * A real agent process, killed with SIGKILL at random moments while clients stream writes, reads and
 * compare-and-writes at it, and restarted on the same device and port: after every restart, every change it
 * acknowledged before the kill is there (ranks at least as high, the same value at an equal rank), and the
 * clients' retries of unanswered writes commit exactly once.
 */
class AgentKillRestartTest {
    private static final int KILLS = 5;
    private static final int WRITE_STREAMS = 6;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long SEED = Long.getLong("kill.seed", 77);

    /** Acknowledged facts, as the clients saw them. */
    private final Map<String, long[]> ackedWrites = new ConcurrentHashMap<>();
    private final AtomicLong ackedReadRound = new AtomicLong();
    private final AtomicLong ackedCasCounter = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final List<String> streamFailures = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void everyAcknowledgedChangeSurvivesKillMinusNine() throws Exception {
        Path dir = TestKeys.scratch("kill");
        AgentKey key = TestKeys.keyFile(dir, "key");
        Path device = dir.resolve("agent.img");
        Random random = new Random(SEED);
        AgentProcess agent = AgentProcess.start(dir, List.of("--device", device.toString(), "--key",
                dir.resolve("key").toString(), "--listen", "127.0.0.1:0", "--init", "--name", "killme",
                "--resources", "32", "--window", "8", "--cas-blocks", "4"));
        String listen = "127.0.0.1:" + agent.address.getPort();
        try (ThreadedEventLoop loop = new ThreadedEventLoop("kill-test");
                AgentTransport transport = AgentTransport.start("kill-test-net")) {
            AgentClient client = transport.connect(agent.address, key, loop, AgentClientOptions.defaults("killer"));
            Streams streams = new Streams(client, random.nextLong());
            for (int k = 1; k <= KILLS; k++) {
                streams.resume();
                Thread.sleep(150 + random.nextInt(450));
                agent.kill();
                Thread.sleep(random.nextInt(100));
                agent = AgentProcess.start(dir, List.of("--device", device.toString(), "--key",
                        dir.resolve("key").toString(), "--listen", listen));
                streams.pauseAndWait();
                verify(client, "after kill " + k);
            }
            streams.resume();
            Thread.sleep(200);
            streams.pauseAndWait();
            verify(client, "at the end");
            assertEquals(List.of(), streamFailures);
            System.out.println("kill test: " + acknowledged.get() + " acknowledged operations, " + unavailable.get()
                    + " cut off by kills, " + client.sessions() + " sessions, " + client.lateReplies()
                    + " late replies");
            assertTrue(acknowledged.get() > 500, "too few acknowledged operations to prove anything: "
                    + acknowledged.get());
            assertTrue(unavailable.get() > 0, "no request was ever cut off by a kill: " + unavailable.get());
            assertTrue(client.sessions() >= KILLS + 1, "sessions " + client.sessions());
            loop.execute(client::close);
        } finally {
            agent.close();
        }
    }

    private void verify(AgentClient client, String when) {
        for (Map.Entry<String, long[]> e : ackedWrites.entrySet()) {
            String[] parts = e.getKey().split("/");
            long rank = e.getValue()[0];
            AgentReply r = call(client, new AgentRequest.RrRead(parts[0], Long.parseLong(parts[1]), AgentRank.ZERO),
                    TIMEOUT_NS);
            AgentReply.RrReadResult read = assertInstanceOf(AgentReply.RrReadResult.class, r, when + " " + e.getKey());
            if (read.compacted()) {
                continue;
            }
            assertTrue(read.w().round() >= rank, when + ": " + e.getKey() + " acknowledged at round " + rank
                    + " but holds " + read.w());
            if (read.w().round() == rank) {
                assertArrayEquals(value(parts[0], rank), read.value(), when + ": " + e.getKey());
            }
        }
        AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                call(client, new AgentRequest.RrRead("reads", 0, AgentRank.ZERO), TIMEOUT_NS));
        assertTrue(r.previousR().round() >= ackedReadRound.get(), when + ": R " + r.previousR()
                + " below an acknowledged read at round " + ackedReadRound.get());
        AgentReply.BlockContent b = assertInstanceOf(AgentReply.BlockContent.class,
                call(client, new AgentRequest.ReadBlock(1), TIMEOUT_NS));
        assertTrue(counter(b.content()) >= ackedCasCounter.get(), when + ": CAS counter " + counter(b.content())
                + " below acknowledged " + ackedCasCounter.get());
    }

    private static byte[] value(String resource, long round) {
        return (resource + "@" + round).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static long counter(byte[] block) {
        return ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static byte[] block(long counter) {
        byte[] b = new byte[AgentLimits.CAS_BLOCK_BYTES];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, counter);
        return b;
    }

    /** Request streams on the client's loop: writes per resource, a read stream, a CAS counter. */
    private final class Streams {
        private final AgentClient client;
        private final Random random;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger outstanding = new AtomicInteger();
        private final long[] round = new long[WRITE_STREAMS];
        private long readRound;
        private byte[] knownBlock = block(0);
        private volatile CountDownLatch idle;

        Streams(AgentClient client, long seed) {
            this.client = client;
            this.random = new Random(seed);
        }

        void resume() {
            running.set(true);
            client.loop().execute(() -> {
                for (int s = 0; s < WRITE_STREAMS; s++) {
                    int stream = s;
                    outstanding.incrementAndGet();
                    write(stream, ++round[stream]);
                }
                outstanding.incrementAndGet();
                read();
                outstanding.incrementAndGet();
                cas();
            });
        }

        void pauseAndWait() throws InterruptedException {
            idle = new CountDownLatch(1);
            running.set(false);
            client.loop().execute(this::checkIdle);
            assertTrue(idle.await(30, TimeUnit.SECONDS), "streams did not drain");
        }

        private void finished() {
            outstanding.decrementAndGet();
            checkIdle();
        }

        private void checkIdle() {
            CountDownLatch l = idle;
            if (l != null && outstanding.get() == 0) {
                l.countDown();
            }
        }

        /** Writes instance (round mod 3) at rank round, retrying the same write until it is answered. */
        private void write(int stream, long r) {
            String res = "w" + stream;
            long instance = r % 3;
            AgentRequest.RrWrite w = new AgentRequest.RrWrite(res, instance, new AgentRank(r, 0, stream + 1),
                    value(res, r));
            client.send(w, TIMEOUT_NS, reply -> {
                if (reply instanceof AgentReply.Unavailable) {
                    unavailable.incrementAndGet();
                    if (running.get()) {
                        client.loop().schedule(5_000_000, () -> write(stream, r));
                    } else {
                        finished();
                    }
                    return;
                }
                AgentReply.RrWriteResult wr = (AgentReply.RrWriteResult) reply;
                if (wr.outcome() != AgentReply.WriteOutcome.COMMITTED) {
                    streamFailures.add("stream " + stream + " write at round " + r + " (or its retry): " + wr);
                }
                acknowledged.incrementAndGet();
                ackedWrites.merge(res + "/" + instance, new long[] {r}, (a, b) -> a[0] >= b[0] ? a : b);
                if (running.get()) {
                    write(stream, ++round[stream]);
                } else {
                    finished();
                }
            });
        }

        private void read() {
            long r = ++readRound;
            client.send(new AgentRequest.RrRead("reads", 0, new AgentRank(r, 0, 99)), TIMEOUT_NS, reply -> {
                if (reply instanceof AgentReply.RrReadResult) {
                    acknowledged.incrementAndGet();
                    ackedReadRound.accumulateAndGet(r, Math::max);
                } else {
                    unavailable.incrementAndGet();
                }
                if (running.get()) {
                    client.loop().schedule(random.nextInt(2_000_000), this::read);
                } else {
                    finished();
                }
            });
        }

        private void cas() {
            byte[] expected = knownBlock;
            byte[] next = block(counter(expected) + 1);
            client.send(new AgentRequest.CompareAndWrite(1, expected, next), TIMEOUT_NS, reply -> {
                if (reply instanceof AgentReply.CasResult c) {
                    acknowledged.incrementAndGet();
                    knownBlock = c.current();
                    if (c.swapped()) {
                        ackedCasCounter.accumulateAndGet(counter(next), Math::max);
                    }
                } else {
                    unavailable.incrementAndGet();
                }
                if (running.get()) {
                    client.loop().schedule(random.nextInt(2_000_000), this::cas);
                } else {
                    finished();
                }
            });
        }
    }
}
