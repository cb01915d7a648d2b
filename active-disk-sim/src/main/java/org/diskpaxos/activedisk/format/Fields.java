package org.diskpaxos.activedisk.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.diskpaxos.activedisk.AgentRank;

/**
 * Field access shared by the device format and the wire format: little-endian ranks and length-prefixed UTF-8
 * names at absolute offsets. Names are decoded strictly: invalid UTF-8 is an error, never a replacement character.
 */
public final class Fields {
    private Fields() {
    }

    /** A little-endian view of {@code bytes}. */
    public static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static void putRank(ByteBuffer b, int offset, AgentRank rank) {
        b.putLong(offset, rank.round());
        b.putLong(offset + 8, rank.idHigh());
        b.putLong(offset + 16, rank.idLow());
    }

    public static AgentRank getRank(ByteBuffer b, int offset) {
        return new AgentRank(b.getLong(offset), b.getLong(offset + 8), b.getLong(offset + 16));
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Strict UTF-8 decoding; null when the bytes are not valid UTF-8. */
    public static String decodeUtf8(byte[] bytes, int offset, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Whether {@code bytes[from, to)} are all zero. */
    public static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
