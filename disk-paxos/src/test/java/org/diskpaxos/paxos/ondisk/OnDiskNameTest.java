package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Proves the name rules: UTF-8, at most 48 bytes, no NUL; decoding stops at NUL and never throws; strncmp matching. */
class OnDiskNameTest {
    @Test
    void namesUpTo48Utf8BytesAreStoredNulPadded() {
        ByteBuffer buffer = ByteBuffer.allocate(48);
        OnDiskName.put(buffer, 0, "x".repeat(48), "name");
        assertEquals("x".repeat(48), OnDiskName.get(buffer, 0), "48 bytes need no terminator");
        OnDiskName.put(buffer, 0, "é€", "name");
        assertEquals("é€", OnDiskName.get(buffer, 0));
        assertEquals(0, buffer.get(5), "padded with NUL after the 5 UTF-8 bytes");
    }

    @Test
    void namesThatCannotBeStoredAreRejectedWithTheReason() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> OnDiskName.toBytes("€".repeat(17), "resource name"));
        assertEquals("resource name '" + "€".repeat(17) + "' is 51 bytes in UTF-8; sanlock's on-disk names hold at"
                + " most 48 bytes", tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnDiskName.toBytes("a\0b", "name"));
        assertThrows(IllegalArgumentException.class, () -> OnDiskName.toBytes("\uD800", "name"));
        assertThrows(IllegalArgumentException.class, () -> LeaderRecord.paxosInit("x".repeat(49), "r",
                AreaGeometry.SECTOR_512_ALIGN_1M, 1));
    }

    @Test
    void decodingIsLenientAndMatchingIsByteExact() {
        ByteBuffer buffer = ByteBuffer.allocate(48);
        buffer.put(0, (byte) 'A').put(1, (byte) 0xFF).put(2, (byte) 0).put(3, (byte) 'Z');
        assertEquals("A\uFFFD", OnDiskName.get(buffer, 0), "malformed UTF-8 is replaced, bytes after NUL ignored");
        assertFalse(OnDiskName.matches(buffer, 0, "A\uFFFD"), "a replacement character never matches");
        OnDiskName.put(buffer, 0, "LS", "name");
        assertTrue(OnDiskName.matches(buffer, 0, "LS"));
        assertFalse(OnDiskName.matches(buffer, 0, "L"));
        assertFalse(OnDiskName.matches(buffer, 0, "LS1"));
    }
}
