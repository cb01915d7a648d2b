package org.diskpaxos.paxos.active;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.diskpaxos.activedisk.AgentLimits;

/**
 * The value an {@link ActiveRankedRegister} holds: up to {@value #BYTES_MAX} bytes, stored by every agent as the
 * register's {@code V}. Immutable; equal when the bytes are equal. The lease layer stores an owner identity in a
 * few little-endian numbers ({@link #ofLongs}, {@link #longAt}); tests and tools use text ({@link #ofUtf8}).
 *
 * <p>An empty value is a value like any other: "no value" is a read's {@code null}, never an empty
 * {@code ActiveValue}.
 */
public record ActiveValue(byte[] bytes) {
    /** The agent's limit on a register value. */
    public static final int BYTES_MAX = AgentLimits.VALUE_BYTES_MAX;

    public ActiveValue {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > BYTES_MAX) {
            throw new IllegalArgumentException("a register value holds at most " + BYTES_MAX + " bytes, got "
                    + bytes.length);
        }
        bytes = bytes.clone();
    }

    public static ActiveValue of(byte[] bytes) {
        return new ActiveValue(bytes);
    }

    public static ActiveValue ofUtf8(String text) {
        return new ActiveValue(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code numbers} as consecutive little-endian 64-bit words (at most {@code BYTES_MAX / 8}). */
    public static ActiveValue ofLongs(long... numbers) {
        if (numbers.length * 8L > BYTES_MAX) {
            throw new IllegalArgumentException(numbers.length + " numbers do not fit in " + BYTES_MAX + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(numbers.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long n : numbers) {
            b.putLong(n);
        }
        return new ActiveValue(b.array());
    }

    /** The little-endian 64-bit word at word index {@code index}. */
    public long longAt(int index) {
        if (index < 0 || (index + 1) * 8 > bytes.length) {
            throw new IndexOutOfBoundsException("word " + index + " of a " + bytes.length + "-byte value");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(index * 8);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActiveValue v && Arrays.equals(bytes, v.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Printable text as itself, anything else in hex. */
    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return "'" + utf8() + "'";
    }
}
