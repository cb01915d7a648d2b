package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * sanlock's CRC-32C variant ({@code src/crc32c.c}, {@code leader_checksum()} / {@code dblock_checksum()} in
 * {@code src/paxos_lease.c}): the reflected Castagnoli polynomial (0x1EDC6F41, reflected 0x82F63B78), table driven,
 * started at {@code ~1} = 0xFFFFFFFE and with <em>no</em> final XOR, computed over the little-endian on-disk bytes.
 *
 * <p>Check value: {@code "123456789"} gives 0xE8C7BB34 (the standard CRC-32C of the same string is 0xE3069283).
 * {@link java.util.zip.CRC32C} cannot be seeded, but because a CRC is affine, {@code sanlock(d) = ~CRC32C(d) ^ K(len)}
 * with a constant per length ({@link #AFFINE_K_LEADER}, {@link #AFFINE_K_DBLOCK}); {@code SanlockCrcTest} checks that
 * identity. {@link #checksum} uses that identity for those two lengths — the JDK's CRC32C is an intrinsic, about
 * five times as fast as the table on 48-byte dblocks, which matters when a ballot reads 2000 of them (the table took
 * about 0.14 ms per 2000-block read) — and the table for any other length.
 */
public final class SanlockCrc {
    /** Reflected Castagnoli polynomial. */
    public static final int POLYNOMIAL_REFLECTED = 0x82F63B78;
    /** sanlock passes {@code (uint32_t)~1} as the initial value. */
    public static final int SEED = ~1;
    /** {@code sanlock(d) ^ ~CRC32C(d)} for any 168-byte {@code d} (the leader record's checksummed range). */
    public static final int AFFINE_K_LEADER = 0xDAECE73E;
    /** {@code sanlock(d) ^ ~CRC32C(d)} for any 48-byte {@code d} (the dblock's checksummed range). */
    public static final int AFFINE_K_DBLOCK = 0x1C291D04;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLYNOMIAL_REFLECTED : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private SanlockCrc() {
    }

    /** sanlock's checksum of {@code length} bytes of {@code buffer} from absolute index {@code offset}. */
    public static int checksum(ByteBuffer buffer, int offset, int length) {
        int k;
        if (length == 48) {
            k = AFFINE_K_DBLOCK;
        } else if (length == 168) {
            k = AFFINE_K_LEADER;
        } else {
            return update(SEED, buffer, offset, length);
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buffer.duplicate().limit(offset + length).position(offset));
        return ~(int) crc.getValue() ^ k;
    }

    /** sanlock's checksum of a byte array range. */
    public static int checksum(byte[] data, int offset, int length) {
        return update(SEED, ByteBuffer.wrap(data), offset, length);
    }

    /** Continues a running CRC exactly like sanlock's {@code crc32c(crc, data, length)}: no pre- or post-inversion. */
    public static int update(int crc, ByteBuffer buffer, int offset, int length) {
        int c = crc;
        for (int i = 0; i < length; i++) {
            c = TABLE[(c ^ buffer.get(offset + i)) & 0xFF] ^ (c >>> 8);
        }
        return c;
    }
}
