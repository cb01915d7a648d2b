package org.diskpaxos.activedisk.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.Arrays;
import java.util.List;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Messages round-trip; every truncation and every extension of a payload is refused as malformed (never thrown,
 * never half-decoded); a frame's header, CRC and MAC each catch a flipped bit; session MACs are bound to both
 * nonces and to the direction; the frame assembler refuses an oversized length before reading the body.
 */
class WirePropertiesTest {
    private static final byte[] KEY = "0123456789abcdef0123456789ABCDEF-key".getBytes();

    private static Gen<AgentRequest> requests() {
        return SourceDSL.integers().between(0, 5).zip(SourceDSL.longs().between(0, Long.MAX_VALUE),
                SourceDSL.integers().between(0, 256), (kind, n, len) -> {
                    AgentRank r = new AgentRank(n, n * 31, ~n);
                    byte[] v = new byte[len];
                    Arrays.fill(v, (byte) n.longValue());
                    byte[] block = new byte[AgentLimits.CAS_BLOCK_BYTES];
                    block[(int) (n % 256)] = 1;
                    return switch (kind) {
                        case 0 -> new AgentRequest.RrRead("r" + n % 100, n, r);
                        case 1 -> new AgentRequest.RrReadFrom("é" + n % 7, n, r);
                        case 2 -> new AgentRequest.RrWrite("w", n, r, v);
                        case 3 -> new AgentRequest.CompareAndWrite((int) (n % 1000), block, new byte[256]);
                        case 4 -> new AgentRequest.ReadBlock((int) (n % 1000));
                        default -> new AgentRequest.Stat();
                    };
                });
    }

    @Test
    void requestsRoundTrip() {
        qt().withExamples(500).withFixedSeed(5).forAll(requests()).check(r ->
                MessageCodec.decodeRequest(MessageCodec.typeOf(r), MessageCodec.encodeRequest(r)).value().equals(r));
    }

    @Test
    void everyTruncationOrExtensionOfARequestIsMalformed() {
        qt().withExamples(300).withFixedSeed(6).forAll(requests(), SourceDSL.integers().between(1, 40))
                .checkAssert((r, cut) -> {
                    byte[] p = MessageCodec.encodeRequest(r);
                    if (p.length > 0) {
                        Decoded<AgentRequest> shorter = MessageCodec.decodeRequest(MessageCodec.typeOf(r),
                                Arrays.copyOf(p, Math.max(0, p.length - cut)));
                        assertEquals(Decoded.Problem.MALFORMED, shorter.problem(), r.toString());
                    }
                    Decoded<AgentRequest> longer = MessageCodec.decodeRequest(MessageCodec.typeOf(r),
                            Arrays.copyOf(p, p.length + cut));
                    assertEquals(Decoded.Problem.MALFORMED, longer.problem());
                    assertNull(longer.value());
                });
    }

    @Test
    void randomPayloadsNeverThrow() {
        qt().withExamples(2000).withFixedSeed(7).forAll(SourceDSL.integers().between(0, 255),
                SourceDSL.lists().of(SourceDSL.integers().between(0, 255)).ofSizeBetween(0, 600))
                .checkAssert((type, bytes) -> {
                    byte[] p = new byte[bytes.size()];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = (byte) bytes.get(i).intValue();
                    }
                    MessageCodec.decodeRequest(type, p);
                    MessageCodec.decodeReply(type, p);
                    MessageCodec.decodeServerHello(p);
                    MessageCodec.decodeClientHello(p);
                });
    }

    @Test
    void repliesRoundTrip() {
        AgentRank r = new AgentRank(3, -1, 5);
        List<AgentReply> replies = List.of(new AgentReply.RrReadResult(r, r, new byte[] {1, 2}, false, 7),
                new AgentReply.RrReadResult(r, AgentRank.ZERO, new byte[0], true, 9),
                new AgentReply.RrReadFromResult(r, 2, List.of(new AgentReply.InstanceValue(3, r, new byte[] {3}))),
                new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMPACTED, AgentRank.ZERO, 4),
                new AgentReply.CasResult(true, new byte[256]), new AgentReply.BlockContent(2, new byte[256]),
                new AgentReply.StatResult(1, 2, "n", 1, List.of(new AgentReply.Counter("c", -5))),
                new AgentReply.Error(org.diskpaxos.activedisk.ErrorCode.CORRUPT, "x".repeat(2000)));
        for (AgentReply reply : replies) {
            AgentReply back = MessageCodec.decodeReply(MessageCodec.typeOf(reply), MessageCodec.encodeReply(reply))
                    .value();
            if (reply instanceof AgentReply.Error e) {
                assertTrue(((AgentReply.Error) back).message().length() <= AgentLimits.ERROR_MESSAGE_BYTES_MAX,
                        "long messages are cut to the limit");
                assertEquals(e.code(), ((AgentReply.Error) back).code());
            } else {
                assertEquals(reply, back);
            }
        }
    }

    @Test
    void aFlippedBitAnywhereInASealedFrameIsCaught() {
        byte[] agentNonce = new byte[32];
        byte[] clientNonce = new byte[32];
        clientNonce[0] = 1;
        SessionKeys client = new SessionKeys(KEY);
        SessionKeys agent = new SessionKeys(KEY);
        client.startSession(agentNonce, clientNonce);
        agent.startSession(agentNonce, clientNonce);
        byte[] f = Frame.build(MessageType.RR_WRITE, 9, 1, MessageCodec.encodeRequest(new AgentRequest.RrWrite("a",
                1, new AgentRank(1, 2, 3), new byte[] {4})));
        client.seal(f, true);
        assertEquals(FrameVerdict.OK, Frame.checkHeader(f));
        assertTrue(agent.verify(f, true));
        assertFalse(agent.verify(f, false), "a frame is bound to its direction");
        for (int bit = 32; bit < f.length * 8; bit++) {
            byte[] g = f.clone();
            g[bit / 8] ^= (byte) (1 << (bit % 8));
            assertTrue(Frame.checkHeader(g) != FrameVerdict.OK || !agent.verify(g, true), "bit " + bit);
        }
        SessionKeys other = new SessionKeys(KEY);
        other.startSession(agentNonce, new byte[32]);
        assertFalse(other.verify(f, true), "another client nonce is another session");
    }

    @Test
    void theLargestRequestFitsTheSmallestFrameLimitAnAgentMayChoose() {
        qt().withExamples(300).withFixedSeed(8).forAll(requests()).check(r -> Frame.FRAME_BYTES_MIN
                + MessageCodec.encodeRequest(r).length <= org.diskpaxos.activedisk.server.ServerLimits
                .FRAME_BYTES_LIMIT_MIN);
        byte[] name = new byte[AgentLimits.NAME_BYTES_MAX];
        java.util.Arrays.fill(name, (byte) 'n');
        AgentRequest longest = new AgentRequest.RrWrite(new String(name), Long.MAX_VALUE, new AgentRank(-1, -1, -1),
                new byte[AgentLimits.VALUE_BYTES_MAX]);
        assertTrue(Frame.FRAME_BYTES_MIN + MessageCodec.encodeRequest(longest).length
                <= org.diskpaxos.activedisk.server.ServerLimits.FRAME_BYTES_LIMIT_MIN);
    }

    @Test
    void theAssemblerRefusesAnOversizedLengthBeforeTheBody() {
        FrameAssembler a = new FrameAssembler(1024);
        a.buffer().put(new byte[] {(byte) 0x01, 0x04, 0, 0});
        assertNull(a.next());
        assertEquals(FrameVerdict.TOO_LONG, a.broken());
        FrameAssembler b = new FrameAssembler(1024);
        byte[] f = Frame.build(MessageType.STAT, 1, 1, new byte[0]);
        byte[] two = Arrays.copyOf(f, f.length * 2);
        System.arraycopy(f, 0, two, f.length, f.length);
        b.buffer().put(two, 0, f.length + 10);
        assertTrue(Arrays.equals(f, b.next()));
        assertNull(b.next(), "the second frame is not complete yet");
        b.buffer().put(two, f.length + 10, f.length - 10);
        assertTrue(Arrays.equals(f, b.next()));
    }
}
