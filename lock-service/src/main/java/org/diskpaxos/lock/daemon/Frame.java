package org.diskpaxos.lock.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message on the daemon's Unix socket. Little-endian, length-prefixed:
 * <pre>
 *  offset  field       type
 *       0  length      u32   bytes after this field: 12 + payload length
 *       4  magic       u16   0xD10C
 *       6  type        u16   {@link Type}
 *       8  requestId   u64   echoed in the reply; 0 for pushed events
 *      16  payload     UTF-8 "key=value" lines ('\n'-separated; '\\', '\n' and '=' in values escaped)
 * </pre>
 * A frame over {@link #LENGTH_MAX} bytes, a wrong magic, an unknown type or a payload that does not parse is a
 * protocol error: the daemon answers with an error if it can and closes the connection.
 *
 * @param type      the message type
 * @param requestId the client's id for the request (the reply carries the same)
 * @param fields    the payload
 */
public record Frame(Type type, long requestId, Map<String, String> fields) {

    public static final int MAGIC = 0xD10C;
    public static final int HEADER_BYTES = 16;
    /** The largest frame, header included. */
    public static final int LENGTH_MAX = 64 * 1024;

    /** Message types: requests from clients, replies and events from the daemon. */
    public enum Type {
        HELLO(1), ACQUIRE(2), RELEASE(3), INQUIRE(4), STATUS(5), LOCKSPACE_ADD(6), LOCKSPACE_REMOVE(7),
        CREATE_RESOURCE(8), VALIDITY(9),
        OK(100), ERROR(101), BUSY(102),
        EVENT(200);

        public final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    public Frame {
        Objects.requireNonNull(type, "type");
        fields = Map.copyOf(fields);
    }

    public static Frame of(Type type, long requestId, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return new Frame(type, requestId, m);
    }

    public String get(String key) {
        return fields.get(key);
    }

    public String get(String key, String fallback) {
        return fields.getOrDefault(key, fallback);
    }

    /** The frame's bytes, length prefix included. */
    public ByteBuffer encode() {
        StringBuilder payload = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(fields).entrySet()) {
            payload.append(escape(e.getKey())).append('=').append(escape(e.getValue())).append('\n');
        }
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        int length = HEADER_BYTES - 4 + body.length;
        if (length + 4 > LENGTH_MAX) {
            throw new IllegalArgumentException("frame of " + (length + 4) + " bytes exceeds " + LENGTH_MAX);
        }
        ByteBuffer b = ByteBuffer.allocate(length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(length).putShort((short) MAGIC).putShort((short) type.code).putLong(requestId).put(body).flip();
        return b;
    }

    /**
     * Decodes one frame from {@code in} (positioned at a length prefix, little-endian). Returns null if the frame is
     * not complete yet (the buffer is left as it was).
     *
     * @throws ProtocolException the bytes cannot be a frame; the connection must be closed
     */
    public static Frame decode(ByteBuffer in) throws ProtocolException {
        if (in.remaining() < 4) {
            return null;
        }
        ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt();
        if (length < HEADER_BYTES - 4 || length + 4 > LENGTH_MAX) {
            throw new ProtocolException("frame length " + length + " outside " + (HEADER_BYTES - 4) + ".."
                    + (LENGTH_MAX - 4));
        }
        if (b.remaining() < length) {
            return null;
        }
        int magic = b.getShort() & 0xFFFF;
        if (magic != MAGIC) {
            throw new ProtocolException(String.format("bad magic 0x%04x", magic));
        }
        Type type = Type.of(b.getShort() & 0xFFFF);
        if (type == null) {
            throw new ProtocolException("unknown message type");
        }
        long requestId = b.getLong();
        byte[] body = new byte[length - (HEADER_BYTES - 4)];
        b.get(body);
        in.position(in.position() + 4 + length);
        return new Frame(type, requestId, parse(new String(body, StandardCharsets.UTF_8)));
    }

    private static Map<String, String> parse(String text) throws ProtocolException {
        Map<String, String> m = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return m;
        }
        if (!text.endsWith("\n")) {
            throw new ProtocolException("payload does not end with a newline");
        }
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            String line = text.substring(start, end);
            int eq = unescapedEquals(line);
            if (eq <= 0) {
                throw new ProtocolException("payload line without key=value");
            }
            String key = unescape(line.substring(0, eq));
            if (m.put(key, unescape(line.substring(eq + 1))) != null) {
                throw new ProtocolException("duplicate key '" + key + "'");
            }
            start = end + 1;
            if (m.size() > 256) {
                throw new ProtocolException("more than 256 fields");
            }
        }
        return m;
    }

    private static int unescapedEquals(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '=' -> b.append("\\=");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) throws ProtocolException {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (++i >= s.length()) {
                    throw new ProtocolException("dangling escape");
                }
                char n = s.charAt(i);
                b.append(n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Bytes that cannot be a frame. */
    public static final class ProtocolException extends Exception {
        public ProtocolException(String message) {
            super(message);
        }
    }
}
