package org.diskpaxos.activedisk.server;

import static org.diskpaxos.activedisk.Calls.call;
import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.wire.Frame;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.activedisk.wire.MessageType;
import org.diskpaxos.activedisk.wire.SessionKeys;
import org.junit.jupiter.api.Test;

/**
 * A running agent fed random and mutated frames (garbage, truncated, oversized, bad CRC, bad MAC, replayed within
 * and across sessions, hellos out of place, unknown types, malformed payloads, half frames left hanging) rejects
 * every one (closing or answering ERROR), counts them, stays up, keeps answering correctly, and its device bytes
 * are exactly what they were before: bad input never changes it.
 */
class AgentFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20_260_101L);
    private static final int CASES = 400;

    @Test
    void badInputIsRejectedCountedAndChangesNothing() throws Exception {
        ServerLimits limits = new ServerLimits(64, 4096, 16, 256, 1 << 20, 400);
        try (RunningAgent agent = RunningAgent.start(new AgentGeometry(512, 16, 4, 4), CoreOptions.defaults(),
                limits)) {
            byte[] key = agent.key.bytes();
            AgentClient good = agent.client("good");
            byte[] block = new byte[AgentLimits.CAS_BLOCK_BYTES];
            block[7] = 7;
            for (int i = 0; i < 6; i++) {
                call(good, new AgentRequest.RrWrite("res" + (i % 3), i, rank(10 + i, 1), new byte[] {(byte) i}));
            }
            call(good, new AgentRequest.RrRead("res0", 0, rank(30, 2)));
            call(good, new AgentRequest.CompareAndWrite(2, new byte[AgentLimits.CAS_BLOCK_BYTES], block));
            byte[] before = Files.readAllBytes(agent.devicePath);

            Random random = new Random(SEED);
            int[] seen = new int[Case.values().length];
            for (int i = 0; i < CASES; i++) {
                Case c = Case.values()[random.nextInt(Case.values().length)];
                while (c == Case.HALF_FRAME_LEFT_HANGING && seen[c.ordinal()] >= 3) {
                    c = Case.values()[random.nextInt(Case.values().length)];
                }
                seen[c.ordinal()]++;
                try {
                    run(c, agent, key, random);
                } catch (AssertionError | IOException e) {
                    throw new AssertionError("fuzz case " + i + " (" + c + ", seed " + SEED + "): " + e, e);
                }
            }
            assertTrue(Arrays.stream(seen).allMatch(n -> n > 0), "every case ran: " + Arrays.toString(seen));
            assertTrue(agent.server.isRunning(), "the agent is still running");

            AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                    call(good, new AgentRequest.RrRead("res0", 3, AgentRank.ZERO)));
            assertEquals(rank(30, 2), r.previousR());
            assertEquals(rank(13, 1), r.w());
            assertArrayEquals(new byte[] {3}, r.value());
            assertArrayEquals(block, assertInstanceOf(AgentReply.BlockContent.class,
                    call(good, new AgentRequest.ReadBlock(2))).content());
            AgentReply.StatResult stat = assertInstanceOf(AgentReply.StatResult.class,
                    call(good, new AgentRequest.Stat()));
            for (String counter : new String[] {"rejected_too_short", "rejected_too_long", "rejected_bad_magic",
                    "rejected_bad_crc", "rejected_bad_mac", "rejected_bad_sequence", "rejected_unexpected_type",
                    "requests_malformed", "requests_unknown_type", "handshake_timeouts"}) {
                assertTrue(stat.counter(counter) > 0, counter + " was never counted: " + stat.counters());
            }
            assertArrayEquals(before, Files.readAllBytes(agent.devicePath), "bad input changed the device");
        }
    }

    private enum Case {
        GARBAGE, HUGE_LENGTH, TINY_LENGTH, TRUNCATED, BIT_FLIP, BAD_CRC, BAD_MAC, REPLAY_IN_SESSION,
        REPLAY_ACROSS_SESSIONS, REQUEST_BEFORE_HELLO, SECOND_HELLO, UNKNOWN_TYPE, MALFORMED_PAYLOAD, BAD_MAGIC,
        HALF_FRAME_LEFT_HANGING, WRONG_KEY_HELLO
    }

    /** A valid request that changes state if it were ever executed twice or mutated into something valid. */
    private static AgentRequest sample(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> new AgentRequest.RrWrite("res1", 40 + random.nextInt(5), rank(500 + random.nextInt(100), 9),
                    new byte[] {9, 9});
            case 1 -> new AgentRequest.RrRead("res2", 1, rank(900, 9));
            default -> new AgentRequest.CompareAndWrite(2, new byte[AgentLimits.CAS_BLOCK_BYTES],
                    new byte[AgentLimits.CAS_BLOCK_BYTES]);
        };
    }

    private static void run(Case c, RunningAgent agent, byte[] key, Random random) throws IOException {
        switch (c) {
            case GARBAGE -> {
                try (Socket s = new Socket("127.0.0.1", agent.address().getPort())) {
                    s.setSoTimeout(3000);
                    byte[] junk = new byte[random.nextInt(3000)];
                    random.nextBytes(junk);
                    quietWrite(s.getOutputStream(), junk);
                    drainUntilClosedOrQuiet(s);
                }
            }
            case HUGE_LENGTH, TINY_LENGTH, BAD_MAGIC -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, sample(random));
                    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
                    if (c == Case.HUGE_LENGTH) {
                        b.putInt(0, 4097 + random.nextInt(Integer.MAX_VALUE - 4097));
                    } else if (c == Case.TINY_LENGTH) {
                        b.putInt(0, random.nextInt(Frame.FRAME_BYTES_MIN));
                    } else {
                        b.putInt(Frame.MAGIC_OFFSET, random.nextInt());
                    }
                    r.send(f);
                    assertTrue(r.closedByAgent(), c + " must close the connection");
                }
            }
            case TRUNCATED -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, sample(random));
                    r.send(Arrays.copyOf(f, 1 + random.nextInt(f.length - 1)));
                }
            }
            case BIT_FLIP -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, sample(random));
                    int flips = 1 + random.nextInt(3);
                    for (int i = 0; i < flips; i++) {
                        int at = 4 + random.nextInt(f.length - 4);
                        f[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    r.send(f);
                    assertTrue(r.closedByAgent(), "a flipped bit must close the connection");
                }
            }
            case BAD_CRC -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, sample(random));
                    f[Frame.CRC_OFFSET + random.nextInt(4)] ^= 1;
                    r.send(f);
                    assertTrue(r.closedByAgent());
                }
            }
            case BAD_MAC -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, sample(random));
                    f[f.length - 1 - random.nextInt(Frame.MAC_BYTES)] ^= 0x20;
                    r.send(f);
                    assertTrue(r.closedByAgent());
                }
            }
            case REPLAY_IN_SESSION -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    byte[] f = r.request(1, new AgentRequest.Stat());
                    r.send(f);
                    assertInstanceOf(AgentReply.StatResult.class, r.reply(1));
                    r.send(f);
                    assertTrue(r.closedByAgent(), "a replayed frame must close the connection");
                }
            }
            case REPLAY_ACROSS_SESSIONS -> {
                byte[] recorded;
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    recorded = r.request(1, sample(random));
                }
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    r.send(recorded);
                    assertTrue(r.closedByAgent(), "a frame from another session must not verify");
                }
            }
            case REQUEST_BEFORE_HELLO -> {
                try (RawSession r = RawSession.open(agent.address(), key)) {
                    byte[] f = Frame.build(MessageType.RR_READ, 1, 1, new byte[10]);
                    r.send(f);
                    assertTrue(r.closedByAgent());
                }
            }
            case SECOND_HELLO -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    r.send(r.frame(MessageType.CLIENT_HELLO, 0, new byte[40]));
                    assertTrue(r.closedByAgent());
                }
            }
            case WRONG_KEY_HELLO -> {
                byte[] other = key.clone();
                other[random.nextInt(other.length)] ^= 1;
                try (RawSession r = RawSession.open(agent.address(), key)) {
                    SessionKeys wrong = new SessionKeys(other);
                    byte[] hello = Frame.build(MessageType.CLIENT_HELLO, 0, 0, new byte[34]);
                    wrong.sealClientHello(hello, r.agentNonce);
                    r.send(hello);
                    assertTrue(r.closedByAgent(), "a hello under another key must close the connection");
                }
            }
            case UNKNOWN_TYPE -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    int type;
                    do {
                        type = random.nextInt(256);
                    } while (MessageType.isRequest(type) || type == MessageType.CLIENT_HELLO
                            || type == MessageType.SERVER_HELLO);
                    byte[] junk = new byte[random.nextInt(50)];
                    random.nextBytes(junk);
                    r.send(r.frame(type, 77, junk));
                    AgentReply.Error e = assertInstanceOf(AgentReply.Error.class, r.reply(77));
                    assertEquals(ErrorCode.UNKNOWN_TYPE, e.code());
                    r.send(r.request(78, new AgentRequest.Stat()));
                    assertInstanceOf(AgentReply.StatResult.class, r.reply(78), "the connection stays usable");
                }
            }
            case MALFORMED_PAYLOAD -> {
                try (RawSession r = RawSession.authenticated(agent.address(), key, random)) {
                    AgentRequest sample = sample(random);
                    byte[] p = MessageCodec.encodeRequest(sample);
                    byte[] bad = random.nextBoolean() ? Arrays.copyOf(p, random.nextInt(p.length))
                            : Arrays.copyOf(p, p.length + 1 + random.nextInt(8));
                    r.send(r.frame(MessageCodec.typeOf(sample), 5, bad));
                    AgentReply.Error e = assertInstanceOf(AgentReply.Error.class, r.reply(5));
                    assertEquals(ErrorCode.BAD_REQUEST, e.code());
                }
            }
            case HALF_FRAME_LEFT_HANGING -> {
                try (RawSession r = RawSession.open(agent.address(), key)) {
                    byte[] nonce = new byte[32];
                    random.nextBytes(nonce);
                    byte[] hello = r.clientHello(nonce);
                    r.send(Arrays.copyOf(hello, 10));
                    assertTrue(r.closedByAgent(), "an unfinished handshake must time out");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private static void quietWrite(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // The agent may close before it has read everything: fine.
        }
    }

    private static void drainUntilClosedOrQuiet(Socket s) {
        try {
            byte[] buf = new byte[4096];
            while (s.getInputStream().read(buf) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // closed or quiet: either is fine for garbage
        }
    }
}
