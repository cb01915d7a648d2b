package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Pins every offset and size to the table in sanlock.md §1 (measured there by compiling sanlock's headers), and the
 * limits a record must respect to stay inside one sector. The static initializers assert the same facts at class
 * load; this test makes a change to them show up as a named failure.
 */
class LayoutTest {
    @Test
    void leaderRecordOffsetsAreSanlocks() {
        int[][] expected = {
                {LeaderRecordDescriptor.MAGIC_OFFSET, 0}, {LeaderRecordDescriptor.VERSION_OFFSET, 4},
                {LeaderRecordDescriptor.FLAGS_OFFSET, 8}, {LeaderRecordDescriptor.SECTOR_SIZE_OFFSET, 12},
                {LeaderRecordDescriptor.NUM_HOSTS_OFFSET, 16}, {LeaderRecordDescriptor.MAX_HOSTS_OFFSET, 24},
                {LeaderRecordDescriptor.OWNER_ID_OFFSET, 32}, {LeaderRecordDescriptor.OWNER_GENERATION_OFFSET, 40},
                {LeaderRecordDescriptor.LVER_OFFSET, 48}, {LeaderRecordDescriptor.SPACE_NAME_OFFSET, 56},
                {LeaderRecordDescriptor.RESOURCE_NAME_OFFSET, 104}, {LeaderRecordDescriptor.TIMESTAMP_OFFSET, 152},
                {LeaderRecordDescriptor.UNUSED1_OFFSET, 160}, {LeaderRecordDescriptor.CHECKSUM_OFFSET, 168},
                {LeaderRecordDescriptor.UNUSED2_OFFSET, 172}, {LeaderRecordDescriptor.IO_TIMEOUT_OFFSET, 174},
                {LeaderRecordDescriptor.WRITE_ID_OFFSET, 176}, {LeaderRecordDescriptor.WRITE_GENERATION_OFFSET, 184},
                {LeaderRecordDescriptor.WRITE_TIMESTAMP_OFFSET, 192}, {LeaderRecordDescriptor.LENGTH, 200},
                {LeaderRecordDescriptor.COMPARE_LENGTH, 152}, {LeaderRecordDescriptor.CHECKSUM_LENGTH, 168}};
        for (int[] pair : expected) {
            assertEquals(pair[1], pair[0]);
        }
        assertTrue(LeaderRecordDescriptor.LENGTH <= LeaderRecordDescriptor.RECORD_MAX);
    }

    @Test
    void dblockModeBlockAndRequestOffsetsAreSanlocks() {
        assertEquals(8, DblockDescriptor.BAL_OFFSET);
        assertEquals(16, DblockDescriptor.INP_OFFSET);
        assertEquals(24, DblockDescriptor.INP2_OFFSET);
        assertEquals(32, DblockDescriptor.INP3_OFFSET);
        assertEquals(40, DblockDescriptor.LVER_OFFSET);
        assertEquals(48, DblockDescriptor.CHECKSUM_OFFSET);
        assertEquals(52, DblockDescriptor.FLAGS_OFFSET);
        assertEquals(56, DblockDescriptor.LENGTH);
        assertTrue(DblockDescriptor.LENGTH <= AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR,
                "the dblock must end before the mode block at +128");
        assertEquals(128, AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR);
        assertEquals(8, ModeBlockDescriptor.GENERATION_OFFSET);
        assertEquals(16, ModeBlockDescriptor.LENGTH);
        assertEquals(8, RequestRecordDescriptor.LVER_OFFSET);
        assertEquals(16, RequestRecordDescriptor.FORCE_MODE_OFFSET);
        assertEquals(24, RequestRecordDescriptor.LENGTH);
    }

    @Test
    void deltaSectorAndResourceIndexLayoutsAreSanlocks() {
        assertEquals(256, DeltaLeaseDescriptor.BITMAP_OFFSET);
        assertEquals(512, DeltaLeaseDescriptor.LENGTH);
        assertEquals(2048, HostIdBitmap.HOST_ID_MAX);
        assertEquals(24, RindexDescriptor.RX_OFFSET_OFFSET);
        assertEquals(32, RindexDescriptor.LOCKSPACE_NAME_OFFSET);
        assertEquals(80, RindexDescriptor.HEADER_LENGTH);
        assertEquals(16, RindexDescriptor.ENTRY_NAME_OFFSET);
        assertEquals(64, RindexDescriptor.ENTRY_LENGTH);
        assertEquals(16000, RindexDescriptor.maxEntries(AreaGeometry.SECTOR_512_ALIGN_1M));
        assertEquals(16000, RindexDescriptor.maxEntries(AreaGeometry.SECTOR_4K_ALIGN_1M));
        assertEquals(128000, RindexDescriptor.maxEntries(AreaGeometry.SECTOR_4K_ALIGN_8M));
    }

    @Test
    void everyRecordFitsTheSmallestSector() {
        for (int length : new int[] {LeaderRecordDescriptor.RECORD_MAX, DeltaLeaseDescriptor.LENGTH,
                AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR + ModeBlockDescriptor.LENGTH, RequestRecordDescriptor.LENGTH,
                RindexDescriptor.HEADER_LENGTH}) {
            assertTrue(length <= 512, "record of " + length + " bytes exceeds a 512-byte sector");
        }
    }
}
