package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host-id bitmap of a delta-lease sector ({@code HOSTID_BITMAP_OFFSET} 256, {@code HOSTID_BITMAP_SIZE} 256 bytes
 * = 2048 bits): a host sets bit {@code h} in its own sector to ask host {@code h} to look at its request records or
 * events (sanlock.md §2.7, §2.8). Bit for host {@code h} is byte {@code (h-1)/8}, bit {@code (h-1)%8}, least
 * significant bit first ({@code set_id_bit/test_id_bit}, {@code src/lockspace.c}). Immutable.
 */
public final class HostIdBitmap {
    public static final int LENGTH = 256;
    /** Host ids the bitmap can name: 1..2048 (sanlock uses 1..2000). */
    public static final int HOST_ID_MAX = LENGTH * 8;
    public static final HostIdBitmap EMPTY = new HostIdBitmap(new byte[LENGTH]);

    private final byte[] bytes;

    private HostIdBitmap(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A bitmap with exactly the given host ids set. */
    public static HostIdBitmap of(long... hostIds) {
        HostIdBitmap bitmap = EMPTY;
        for (long hostId : hostIds) {
            bitmap = bitmap.with(hostId);
        }
        return bitmap;
    }

    static HostIdBitmap read(ByteBuffer buffer, int offset) {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bytes[i] = buffer.get(offset + i);
        }
        return new HostIdBitmap(bytes);
    }

    void write(ByteBuffer buffer, int offset) {
        for (int i = 0; i < LENGTH; i++) {
            buffer.put(offset + i, bytes[i]);
        }
    }

    public HostIdBitmap with(long hostId) {
        int bit = bitIndex(hostId);
        byte[] copy = bytes.clone();
        copy[bit / 8] |= (byte) (1 << (bit % 8));
        return new HostIdBitmap(copy);
    }

    public boolean isSet(long hostId) {
        int bit = bitIndex(hostId);
        return (bytes[bit / 8] & (1 << (bit % 8))) != 0;
    }

    /** The host ids whose bit is set, ascending. */
    public List<Long> hostIds() {
        List<Long> ids = new ArrayList<>();
        for (int bit = 0; bit < HOST_ID_MAX; bit++) {
            if ((bytes[bit / 8] & (1 << (bit % 8))) != 0) {
                ids.add((long) bit + 1);
            }
        }
        return ids;
    }

    public boolean isEmpty() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static int bitIndex(long hostId) {
        if (hostId < 1 || hostId > HOST_ID_MAX) {
            throw new IllegalArgumentException("host id " + hostId + " outside 1.." + HOST_ID_MAX);
        }
        return (int) (hostId - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostIdBitmap && Arrays.equals(bytes, ((HostIdBitmap) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HostIdBitmap" + hostIds();
    }
}
