package org.diskpaxos.activedisk.wire;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;

/**
 * Payloads of requests and replies, little-endian. Names and values carry a u16 length; ranks are three u64.
 *
 * <pre>
 *   RR_READ       name, u64 instance, rank
 *   RR_READ_FROM  name, u64 from instance, rank
 *   RR_WRITE      name, u64 instance, rank, value (u16 length + bytes, at most 256)
 *   CAS           u32 block, expected (u16 + 256 bytes), replacement (u16 + 256 bytes)
 *   READ_BLOCK    u32 block
 *   STAT          (empty)
 *
 *   RR_READ reply       rank previous R, u8 compacted, u64 lowest kept, rank W, value
 *   RR_READ_FROM reply  rank previous R, u64 lowest kept, u16 count (&lt;= 64), count x (u64 instance, rank W, value)
 *   RR_WRITE reply      u8 outcome (0 committed, 1 aborted, 2 compacted), rank hint, u64 lowest kept
 *   CAS reply           u8 swapped, current (u16 + 256 bytes)
 *   READ_BLOCK reply    u32 block, content (u16 + 256 bytes)
 *   STAT reply          u64 id high, u64 id low, agent name, u16 format version,
 *                       u16 count (&lt;= 128), count x (u8 name length, name, u64 value)
 *   ERROR               u16 code, message (u16 + at most 512 bytes)
 * </pre>
 * Decoding checks every length and limit and that no byte is left over; it returns a {@link Decoded}, never
 * throws.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    // ------------------------------------------------------------------ requests

    public static int typeOf(AgentRequest request) {
        if (request instanceof AgentRequest.RrRead) {
            return MessageType.RR_READ;
        } else if (request instanceof AgentRequest.RrReadFrom) {
            return MessageType.RR_READ_FROM;
        } else if (request instanceof AgentRequest.RrWrite) {
            return MessageType.RR_WRITE;
        } else if (request instanceof AgentRequest.CompareAndWrite) {
            return MessageType.COMPARE_AND_WRITE;
        } else if (request instanceof AgentRequest.ReadBlock) {
            return MessageType.READ_BLOCK;
        }
        return MessageType.STAT;
    }

    public static byte[] encodeRequest(AgentRequest request) {
        PayloadWriter w = new PayloadWriter();
        if (request instanceof AgentRequest.RrRead r) {
            w.string(r.resource()).u64(r.instance()).rank(r.rank());
        } else if (request instanceof AgentRequest.RrReadFrom r) {
            w.string(r.resource()).u64(r.fromInstance()).rank(r.rank());
        } else if (request instanceof AgentRequest.RrWrite r) {
            w.string(r.resource()).u64(r.instance()).rank(r.rank()).lengthPrefixed(r.value());
        } else if (request instanceof AgentRequest.CompareAndWrite c) {
            w.u32(c.block()).lengthPrefixed(c.expected()).lengthPrefixed(c.replacement());
        } else if (request instanceof AgentRequest.ReadBlock b) {
            w.u32(b.block());
        }
        return w.toBytes();
    }

    public static Decoded<AgentRequest> decodeRequest(int type, byte[] payload) {
        if (!MessageType.isRequest(type)) {
            return Decoded.unknown(type);
        }
        PayloadReader r = new PayloadReader(payload);
        AgentRequest request = null;
        try {
            switch (type) {
                case MessageType.RR_READ -> {
                    String name = r.string(AgentLimits.NAME_BYTES_MAX, "resource name");
                    long instance = r.u64("instance");
                    AgentRank rank = r.rank("rank");
                    if (r.finish() == null) {
                        request = new AgentRequest.RrRead(name, instance, rank);
                    }
                }
                case MessageType.RR_READ_FROM -> {
                    String name = r.string(AgentLimits.NAME_BYTES_MAX, "resource name");
                    long from = r.u64("from instance");
                    AgentRank rank = r.rank("rank");
                    if (r.finish() == null) {
                        request = new AgentRequest.RrReadFrom(name, from, rank);
                    }
                }
                case MessageType.RR_WRITE -> {
                    String name = r.string(AgentLimits.NAME_BYTES_MAX, "resource name");
                    long instance = r.u64("instance");
                    AgentRank rank = r.rank("rank");
                    byte[] value = r.lengthPrefixed(AgentLimits.VALUE_BYTES_MAX, "value");
                    if (r.finish() == null) {
                        request = new AgentRequest.RrWrite(name, instance, rank, value);
                    }
                }
                case MessageType.COMPARE_AND_WRITE -> {
                    int block = r.u32("block");
                    byte[] expected = r.lengthPrefixed(AgentLimits.CAS_BLOCK_BYTES, "expected");
                    byte[] replacement = r.lengthPrefixed(AgentLimits.CAS_BLOCK_BYTES, "replacement");
                    if (r.finish() == null) {
                        request = new AgentRequest.CompareAndWrite(block, expected, replacement);
                    }
                }
                case MessageType.READ_BLOCK -> {
                    int block = r.u32("block");
                    if (r.finish() == null) {
                        request = new AgentRequest.ReadBlock(block);
                    }
                }
                default -> {
                    if (r.finish() == null) {
                        request = new AgentRequest.Stat();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return Decoded.malformed(e.getMessage());
        }
        return request != null ? Decoded.ok(request) : Decoded.malformed(r.problem());
    }

    // ------------------------------------------------------------------ replies

    /** The frame type of a reply; {@link AgentReply.Unavailable} has none (it never travels). */
    public static int typeOf(AgentReply reply) {
        if (reply instanceof AgentReply.RrReadResult) {
            return MessageType.RR_READ | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.RrReadFromResult) {
            return MessageType.RR_READ_FROM | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.RrWriteResult) {
            return MessageType.RR_WRITE | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.CasResult) {
            return MessageType.COMPARE_AND_WRITE | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.BlockContent) {
            return MessageType.READ_BLOCK | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.StatResult) {
            return MessageType.STAT | MessageType.REPLY_BIT;
        } else if (reply instanceof AgentReply.Error) {
            return MessageType.ERROR;
        }
        throw new IllegalArgumentException("a client-side " + reply + " is never sent");
    }

    public static byte[] encodeReply(AgentReply reply) {
        PayloadWriter w = new PayloadWriter();
        if (reply instanceof AgentReply.RrReadResult r) {
            w.rank(r.previousR()).u8(r.compacted() ? 1 : 0).u64(r.lowestKept()).rank(r.w()).lengthPrefixed(r.value());
        } else if (reply instanceof AgentReply.RrReadFromResult r) {
            w.rank(r.previousR()).u64(r.lowestKept()).u16(r.instances().size());
            for (AgentReply.InstanceValue v : r.instances()) {
                w.u64(v.instance()).rank(v.w()).lengthPrefixed(v.value());
            }
        } else if (reply instanceof AgentReply.RrWriteResult r) {
            w.u8(r.outcome().ordinal()).rank(r.hint()).u64(r.lowestKept());
        } else if (reply instanceof AgentReply.CasResult r) {
            w.u8(r.swapped() ? 1 : 0).lengthPrefixed(r.current());
        } else if (reply instanceof AgentReply.BlockContent r) {
            w.u32(r.block()).lengthPrefixed(r.content());
        } else if (reply instanceof AgentReply.StatResult r) {
            w.u64(r.agentIdHigh()).u64(r.agentIdLow()).string(truncate(r.agentName(),
                    AgentLimits.AGENT_NAME_BYTES_MAX)).u16(r.formatVersion());
            int n = Math.min(r.counters().size(), AgentLimits.STAT_COUNTERS_MAX);
            w.u16(n);
            for (int i = 0; i < n; i++) {
                AgentReply.Counter c = r.counters().get(i);
                byte[] name = org.diskpaxos.activedisk.format.Fields.utf8(truncate(c.name(), 255));
                w.u8(name.length).bytes(name).u64(c.value());
            }
        } else if (reply instanceof AgentReply.Error e) {
            w.u16(e.code().wire()).string(truncate(e.message(), AgentLimits.ERROR_MESSAGE_BYTES_MAX));
        } else {
            throw new IllegalArgumentException("a client-side " + reply + " is never sent");
        }
        return w.toBytes();
    }

    /** {@code s} cut to at most {@code maxBytes} of UTF-8, on a character boundary. */
    static String truncate(String s, int maxBytes) {
        if (org.diskpaxos.activedisk.format.Fields.utf8(s).length <= maxBytes) {
            return s;
        }
        int end = s.length();
        while (end > 0 && org.diskpaxos.activedisk.format.Fields.utf8(s.substring(0, end)).length > maxBytes - 3) {
            end--;
            if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
        }
        return s.substring(0, end) + "...";
    }

    public static Decoded<AgentReply> decodeReply(int type, byte[] payload) {
        if (!MessageType.isReply(type)) {
            return Decoded.unknown(type);
        }
        PayloadReader r = new PayloadReader(payload);
        AgentReply reply = null;
        try {
            reply = switch (type) {
                case MessageType.RR_READ | MessageType.REPLY_BIT -> readResult(r);
                case MessageType.RR_READ_FROM | MessageType.REPLY_BIT -> readFromResult(r);
                case MessageType.RR_WRITE | MessageType.REPLY_BIT -> writeResult(r);
                case MessageType.COMPARE_AND_WRITE | MessageType.REPLY_BIT -> {
                    int swapped = r.u8("swapped");
                    byte[] current = r.lengthPrefixed(AgentLimits.CAS_BLOCK_BYTES, "current");
                    if (swapped > 1) {
                        r.fail("swapped flag " + swapped);
                    }
                    yield r.finish() == null ? new AgentReply.CasResult(swapped == 1, current) : null;
                }
                case MessageType.READ_BLOCK | MessageType.REPLY_BIT -> {
                    int block = r.u32("block");
                    byte[] content = r.lengthPrefixed(AgentLimits.CAS_BLOCK_BYTES, "content");
                    yield r.finish() == null ? new AgentReply.BlockContent(block, content) : null;
                }
                case MessageType.STAT | MessageType.REPLY_BIT -> statResult(r);
                default -> {
                    int code = r.u16("error code");
                    String message = r.string(AgentLimits.ERROR_MESSAGE_BYTES_MAX, "error message");
                    ErrorCode c = ErrorCode.ofWire(code);
                    if (c == null) {
                        r.fail("unknown error code " + code);
                    }
                    yield r.finish() == null ? new AgentReply.Error(c, message) : null;
                }
            };
        } catch (IllegalArgumentException e) {
            return Decoded.malformed(e.getMessage());
        }
        return reply != null ? Decoded.ok(reply) : Decoded.malformed(r.problem());
    }

    private static AgentReply readResult(PayloadReader r) {
        AgentRank previous = r.rank("previous R");
        int compacted = r.u8("compacted");
        long lowest = r.u64("lowest kept");
        AgentRank w = r.rank("W");
        byte[] value = r.lengthPrefixed(AgentLimits.VALUE_BYTES_MAX, "value");
        if (compacted > 1) {
            r.fail("compacted flag " + compacted);
        }
        return r.finish() == null ? new AgentReply.RrReadResult(previous, w, value, compacted == 1, lowest) : null;
    }

    private static AgentReply readFromResult(PayloadReader r) {
        AgentRank previous = r.rank("previous R");
        long lowest = r.u64("lowest kept");
        int count = r.u16("count");
        if (count > AgentLimits.WINDOW_INSTANCES_MAX) {
            r.fail(count + " instances over the limit of " + AgentLimits.WINDOW_INSTANCES_MAX);
            return null;
        }
        List<AgentReply.InstanceValue> instances = new ArrayList<>(count);
        for (int i = 0; i < count && r.problem() == null; i++) {
            long instance = r.u64("instance");
            AgentRank w = r.rank("W");
            byte[] value = r.lengthPrefixed(AgentLimits.VALUE_BYTES_MAX, "value");
            if (r.problem() == null) {
                instances.add(new AgentReply.InstanceValue(instance, w, value));
            }
        }
        return r.finish() == null ? new AgentReply.RrReadFromResult(previous, lowest, instances) : null;
    }

    private static AgentReply writeResult(PayloadReader r) {
        int outcome = r.u8("outcome");
        AgentRank hint = r.rank("hint");
        long lowest = r.u64("lowest kept");
        AgentReply.WriteOutcome[] outcomes = AgentReply.WriteOutcome.values();
        if (outcome >= outcomes.length) {
            r.fail("write outcome " + outcome);
        }
        return r.finish() == null ? new AgentReply.RrWriteResult(outcomes[outcome], hint, lowest) : null;
    }

    private static AgentReply statResult(PayloadReader r) {
        long high = r.u64("agent id high");
        long low = r.u64("agent id low");
        String name = r.string(AgentLimits.AGENT_NAME_BYTES_MAX, "agent name");
        int version = r.u16("format version");
        int count = r.u16("counter count");
        if (count > AgentLimits.STAT_COUNTERS_MAX) {
            r.fail(count + " counters over the limit of " + AgentLimits.STAT_COUNTERS_MAX);
            return null;
        }
        List<AgentReply.Counter> counters = new ArrayList<>(count);
        for (int i = 0; i < count && r.problem() == null; i++) {
            int n = r.u8("counter name length");
            byte[] raw = r.bytes(n, "counter name");
            long value = r.u64("counter value");
            String counterName = org.diskpaxos.activedisk.format.Fields.decodeUtf8(raw, 0, raw.length);
            if (counterName == null) {
                r.fail("counter name is not UTF-8");
            } else {
                counters.add(new AgentReply.Counter(counterName, value));
            }
        }
        return r.finish() == null ? new AgentReply.StatResult(high, low, name, version, counters) : null;
    }

    // ------------------------------------------------------------------ hellos

    /** The agent's hello: its nonce, identity and limits. */
    public record ServerHello(byte[] nonce, long agentIdHigh, long agentIdLow, int frameBytesMax,
            int inFlightMax, String agentName) {
    }

    /** The client's hello: its nonce and a name for the agent's logs. */
    public record ClientHello(byte[] nonce, String clientName) {
    }

    public static byte[] encode(ServerHello h) {
        return new PayloadWriter().bytes(h.nonce()).u64(h.agentIdHigh()).u64(h.agentIdLow()).u32(h.frameBytesMax())
                .u32(h.inFlightMax()).string(truncate(h.agentName(), AgentLimits.AGENT_NAME_BYTES_MAX)).toBytes();
    }

    public static Decoded<ServerHello> decodeServerHello(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        byte[] nonce = r.bytes(SessionKeys.NONCE_BYTES, "nonce");
        long high = r.u64("agent id high");
        long low = r.u64("agent id low");
        int frameMax = r.u32("frame bytes max");
        int inFlight = r.u32("in-flight max");
        String name = r.string(AgentLimits.AGENT_NAME_BYTES_MAX, "agent name");
        if (frameMax < Frame.FRAME_BYTES_MIN || frameMax > Frame.FRAME_BYTES_MAX || inFlight < 1) {
            r.fail("agent limits out of range: frame " + frameMax + ", in flight " + inFlight);
        }
        return r.finish() == null ? Decoded.ok(new ServerHello(nonce, high, low, frameMax, inFlight, name))
                : Decoded.malformed(r.problem());
    }

    public static byte[] encode(ClientHello h) {
        return new PayloadWriter().bytes(h.nonce()).string(truncate(h.clientName(), AgentLimits.AGENT_NAME_BYTES_MAX))
                .toBytes();
    }

    public static Decoded<ClientHello> decodeClientHello(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        byte[] nonce = r.bytes(SessionKeys.NONCE_BYTES, "nonce");
        String name = r.string(AgentLimits.AGENT_NAME_BYTES_MAX, "client name");
        return r.finish() == null ? Decoded.ok(new ClientHello(nonce, name)) : Decoded.malformed(r.problem());
    }
}
