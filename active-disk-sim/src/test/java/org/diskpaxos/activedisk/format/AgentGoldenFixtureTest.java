package org.diskpaxos.activedisk.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.wire.Frame;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.junit.jupiter.api.Test;

/**
 * Every device record kind and every message kind encodes to exactly the bytes frozen in
 * {@code src/test/resources/golden/agent}, and those bytes decode back to the same value: the device format and
 * the wire format cannot change by accident. Rewrite the files on purpose with {@code -Dgolden.rewrite=true}.
 */
class AgentGoldenFixtureTest {
    private static final Path SOURCE = Path.of("src", "test", "resources", "golden", "agent");
    private static final AgentRank RANK = new AgentRank(7, 0x0123456789ABCDEFL, 0xFEDCBA9876543210L);
    private static final AgentGeometry GEOMETRY = new AgentGeometry(512, 16, 4, 8);

    private static Map<String, byte[]> fixtures() {
        Map<String, byte[]> f = new LinkedHashMap<>();
        Superblock sb = new Superblock(0x1111222233334444L, 0x5555666677778888L, "golden-agent", GEOMETRY);
        f.put("superblock-512", sb.encode());
        f.put("resource-free-512", ResourceRecord.free().encode(512, 1));
        f.put("resource-512", new ResourceRecord(3, "vm/disk-lease", RANK).encode(512, GEOMETRY.resourceHeaderSector(
                2, 1)));
        f.put("instance-empty-512", InstanceRecord.empty().encode(512, GEOMETRY.instanceSector(0, 0, 0)));
        f.put("instance-512", new InstanceRecord(5, "vm/disk-lease", 42, RANK, new byte[] {1, 2, 3, 4})
                .encode(512, GEOMETRY.instanceSector(2, 2, 1)));
        byte[] content = new byte[AgentLimits.CAS_BLOCK_BYTES];
        content[0] = 9;
        content[255] = 8;
        f.put("cas-512", new CasRecord(2, 3, content).encode(512, GEOMETRY.casSector(3, 0)));
        f.put("request-rr-read", MessageCodec.encodeRequest(new AgentRequest.RrRead("vm/disk-lease", 42, RANK)));
        f.put("request-rr-read-from", MessageCodec.encodeRequest(new AgentRequest.RrReadFrom("r", 40, RANK)));
        f.put("request-rr-write", MessageCodec.encodeRequest(new AgentRequest.RrWrite("r", 42, RANK,
                new byte[] {5, 6})));
        f.put("request-cas", MessageCodec.encodeRequest(new AgentRequest.CompareAndWrite(3, new byte[256], content)));
        f.put("request-read-block", MessageCodec.encodeRequest(new AgentRequest.ReadBlock(3)));
        f.put("reply-rr-read", MessageCodec.encodeReply(new AgentReply.RrReadResult(RANK, RANK, new byte[] {1}, false,
                39)));
        f.put("reply-rr-read-from", MessageCodec.encodeReply(new AgentReply.RrReadFromResult(RANK, 39, List.of(
                new AgentReply.InstanceValue(40, RANK, new byte[] {4}), new AgentReply.InstanceValue(42, RANK,
                        new byte[0])))));
        f.put("reply-rr-write", MessageCodec.encodeReply(new AgentReply.RrWriteResult(
                AgentReply.WriteOutcome.ABORTED, RANK, 39)));
        f.put("reply-cas", MessageCodec.encodeReply(new AgentReply.CasResult(false, content)));
        f.put("reply-stat", MessageCodec.encodeReply(new AgentReply.StatResult(1, 2, "a", 1, List.of(
                new AgentReply.Counter("commits", 5)))));
        f.put("reply-error", MessageCodec.encodeReply(new AgentReply.Error(ErrorCode.FULL, "full")));
        f.put("frame-stat-request", Frame.build(0x15, 99, 1, new byte[0]));
        return f;
    }

    @Test
    void everyRecordAndMessageMatchesItsFrozenBytes() throws IOException {
        boolean rewrite = Boolean.getBoolean("golden.rewrite");
        for (Map.Entry<String, byte[]> e : fixtures().entrySet()) {
            if (rewrite) {
                Files.createDirectories(SOURCE);
                Files.writeString(SOURCE.resolve(e.getKey() + ".hex"), format(e.getKey(), e.getValue()));
                continue;
            }
            assertArrayEquals(load(e.getKey()), e.getValue(), e.getKey() + " changed; if on purpose, rerun with "
                    + "-Dgolden.rewrite=true and bump the format or protocol version");
        }
    }

    @Test
    void theFrozenBytesDecodeToTheSameValues() {
        Map<String, byte[]> f = fixtures();
        Decoded<Superblock> sb = Superblock.decode(load("superblock-512"));
        assertEquals("golden-agent", sb.value().name());
        assertEquals(GEOMETRY, sb.value().geometry());
        assertEquals(new ResourceRecord(3, "vm/disk-lease", RANK), ResourceRecord.decode(load("resource-512"),
                GEOMETRY.resourceHeaderSector(2, 1)).value());
        assertEquals(new InstanceRecord(5, "vm/disk-lease", 42, RANK, new byte[] {1, 2, 3, 4}), InstanceRecord.decode(
                load("instance-512"), GEOMETRY.instanceSector(2, 2, 1)).value());
        assertEquals(new AgentRequest.RrWrite("r", 42, RANK, new byte[] {5, 6}), MessageCodec.decodeRequest(0x12,
                load("request-rr-write")).value());
        assertEquals(MessageCodec.decodeReply(0x51, f.get("reply-rr-read-from")).value(), MessageCodec.decodeReply(0x51,
                load("reply-rr-read-from")).value());
    }

    private static byte[] load(String name) {
        try (InputStream in = AgentGoldenFixtureTest.class.getResourceAsStream("/golden/agent/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalStateException("missing fixture golden/agent/" + name + ".hex; write it with "
                        + "-Dgolden.rewrite=true");
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    for (String t : line.trim().split("\\s+")) {
                        if (!t.isEmpty()) {
                            out.write(Integer.parseInt(t, 16));
                        }
                    }
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String format(String name, byte[] bytes) {
        StringBuilder b = new StringBuilder("# golden fixture written by AgentGoldenFixtureTest: " + name + "\n");
        for (int i = 0; i < bytes.length; i++) {
            b.append(String.format("%02x", bytes[i] & 0xFF)).append(i % 16 == 15 || i == bytes.length - 1 ? "\n" : " ");
        }
        return b.toString();
    }
}
