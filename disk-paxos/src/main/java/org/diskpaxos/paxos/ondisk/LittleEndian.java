package org.diskpaxos.paxos.ondisk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one place that owns byte order for sanlock records: every multi-byte field on disk is little-endian
 * ({@code src/ondisk.c}, {@code leader_record_in/out}). Absolute accesses only; the caller's buffer position,
 * limit and {@link ByteBuffer#order()} are never read or changed, so a buffer of any order can be passed.
 * Nothing here allocates.
 */
final class LittleEndian {
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    /** Unsigned 16-bit field, returned as 0..65535. */
    static int getU16(ByteBuffer buffer, int index) {
        return Short.toUnsignedInt((short) SHORT.get(buffer, index));
    }

    static void putU16(ByteBuffer buffer, int index, int value) {
        SHORT.set(buffer, index, (short) value);
    }

    static int getInt(ByteBuffer buffer, int index) {
        return (int) INT.get(buffer, index);
    }

    static void putInt(ByteBuffer buffer, int index, int value) {
        INT.set(buffer, index, value);
    }

    static long getLong(ByteBuffer buffer, int index) {
        return (long) LONG.get(buffer, index);
    }

    static void putLong(ByteBuffer buffer, int index, long value) {
        LONG.set(buffer, index, value);
    }

    /** True if {@code length} bytes from {@code offset} are all zero. */
    static boolean isZero(ByteBuffer buffer, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (buffer.get(offset + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code [offset, offset + length)} lies inside {@code [0, buffer.limit())}; never overflows. */
    static boolean fits(ByteBuffer buffer, int offset, int length) {
        return offset >= 0 && length >= 0 && (long) offset + length <= buffer.limit();
    }

    static void zero(ByteBuffer buffer, int offset, int length) {
        for (int i = 0; i < length; i++) {
            buffer.put(offset + i, (byte) 0);
        }
    }
}
