package org.diskpaxos.activedisk.inhost;

import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.nativeio.MappedMemory;

/**
 * Where everything is in an in-host register file (version 1). Words are native-order 8-byte values at 8-aligned
 * offsets (CAS targets); copies are little-endian byte records with a CRC-32C.
 *
 * <pre>
 *  header page (4096 bytes)
 *     0 u32 magic "DPIH"    4 u32 version    8 u32 resources max   12 u32 window K   16 u32 CAS blocks
 *    20 u32 resource record bytes          24 u32 CAS record bytes   28 u32 CRC-32C of [0, 28)
 *    64 u64 allocation lock (CAS)         72 u64 resources used (ordered store, under the allocation lock)
 *  resource record r, at 4096 + r x resourceRecordBytes (whole pages):
 *     0 u64 lock   8 u64 control: generation   16 u64 synced generation   24 u16 name length   26 name[64]
 *   128 copy 0     128 + copyBytes: copy 1
 *  CAS record b, after the resources, at ... + b x casRecordBytes (whole pages):
 *     0 u64 lock   8 u64 generation   16 u64 synced generation   128 copy 0   copy 1
 *
 *  resource copy:  0 u32 CRC-32C of [4, copyBytes)   4 u32 0   8 u64 generation   16 R (3 x u64)
 *                  40 K x slot { u64 instance (-1: empty), W (3 x u64), u16 value length, value[256] }
 *  CAS copy:       0 u32 CRC-32C   4 u32 0   8 u64 generation   16 content[256]
 * </pre>
 */
record InHostLayout(int resourcesMax, int window, int casBlocks) {
    static final int MAGIC = 0x48495044;
    static final int VERSION = 1;
    static final int PAGE = MappedMemory.PAGE_SIZE_BYTES;
    static final int HEADER_BYTES = PAGE;

    static final int H_MAGIC = 0;
    static final int H_VERSION = 4;
    static final int H_RESOURCES = 8;
    static final int H_WINDOW = 12;
    static final int H_CAS_BLOCKS = 16;
    static final int H_RESOURCE_RECORD = 20;
    static final int H_CAS_RECORD = 24;
    static final int H_CRC = 28;
    static final int H_ALLOCATION_LOCK = 64;
    static final int H_RESOURCES_USED = 72;

    static final int R_LOCK = 0;
    static final int R_CONTROL = 8;
    static final int R_SYNCED = 16;
    static final int R_NAME_LENGTH = 24;
    static final int R_NAME = 26;
    static final int R_COPIES = 128;

    static final int C_CRC = 0;
    static final int C_GENERATION = 8;
    static final int C_BODY = 16;
    static final int SLOT_BYTES = 8 + AgentRank.BYTES + 2 + AgentLimits.VALUE_BYTES_MAX;

    static final int RESOURCES_LIMIT = 1 << 16;
    static final int CAS_BLOCKS_LIMIT = 1 << 16;

    InHostLayout {
        if (resourcesMax < 1 || resourcesMax > RESOURCES_LIMIT || window < 1
                || window > AgentLimits.WINDOW_INSTANCES_MAX || casBlocks < 0 || casBlocks > CAS_BLOCKS_LIMIT) {
            throw new IllegalArgumentException("in-host layout out of range: resources " + resourcesMax + " (1 to "
                    + RESOURCES_LIMIT + "), window " + window + " (1 to " + AgentLimits.WINDOW_INSTANCES_MAX
                    + "), CAS blocks " + casBlocks + " (0 to " + CAS_BLOCKS_LIMIT + ")");
        }
    }

    int resourceCopyBytes() {
        return C_BODY + AgentRank.BYTES + window * SLOT_BYTES;
    }

    int resourceRecordBytes() {
        return pages(R_COPIES + 2 * resourceCopyBytes());
    }

    static int casCopyBytes() {
        return C_BODY + AgentLimits.CAS_BLOCK_BYTES;
    }

    static int casRecordBytes() {
        return pages(R_COPIES + 2 * casCopyBytes());
    }

    private static int pages(int bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }

    long resourceRecord(int r) {
        return HEADER_BYTES + (long) r * resourceRecordBytes();
    }

    long casRecord(int b) {
        return HEADER_BYTES + (long) resourcesMax * resourceRecordBytes() + (long) b * casRecordBytes();
    }

    long sizeBytes() {
        return casRecord(casBlocks);
    }
}
