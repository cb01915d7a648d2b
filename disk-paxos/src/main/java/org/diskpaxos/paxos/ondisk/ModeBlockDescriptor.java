package org.diskpaxos.paxos.ondisk;

import java.nio.ByteBuffer;

/**
 * Layout of sanlock's {@code struct mode_block} ({@code src/mode_block.h}), little-endian, at {@code MBLOCK_OFFSET}
 * = 128 inside a host's resource sector.
 *
 * <pre>
 *  offset  field       type  notes
 *       0 +-----------+-----+--------------------------------------------
 *         | flags     | u32 | MBLOCK_SHARED 0x1
 *       4 | (padding) | u32 | C natural alignment of the u64; written as 0
 *       8 | generation| u64 |
 *      16 +-----------+-----+  LENGTH.  No magic, no checksum.
 * </pre>
 */
public final class ModeBlockDescriptor {
    public static final int MBLOCK_SHARED = 0x00000001;

    public static final int FLAGS_OFFSET = 0;
    public static final int PADDING_OFFSET = FLAGS_OFFSET + 4;
    public static final int GENERATION_OFFSET = PADDING_OFFSET + 4;
    public static final int LENGTH = GENERATION_OFFSET + 8;

    static {
        LeaderRecordDescriptor.check(LENGTH == 16, "sizeof(struct mode_block) is 16");
        LeaderRecordDescriptor.check(AreaGeometry.MODE_BLOCK_OFFSET_IN_SECTOR + LENGTH <= 512,
                "the mode block fits in a 512-byte sector");
    }

    private ModeBlockDescriptor() {
    }

    public static void encode(ModeBlock modeBlock, ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            throw new IndexOutOfBoundsException("mode block needs " + LENGTH + " bytes at " + offset);
        }
        LittleEndian.putInt(buffer, offset + FLAGS_OFFSET, modeBlock.flags());
        LittleEndian.putInt(buffer, offset + PADDING_OFFSET, 0);
        LittleEndian.putLong(buffer, offset + GENERATION_OFFSET, modeBlock.generation());
    }

    /**
     * Flyweight check of the {@code MBLOCK_SHARED} flag of the mode block at {@code offset}, without decoding it (hot
     * path: a ballot read scans every host's sector); false if the buffer is too short.
     */
    public static boolean isShared(ByteBuffer buffer, int offset) {
        return LittleEndian.fits(buffer, offset, LENGTH)
                && (LittleEndian.getInt(buffer, offset + FLAGS_OFFSET) & MBLOCK_SHARED) != 0;
    }

    /** TRUNCATED, BLANK (all zero) or VALID: there is nothing else to check. Never throws. */
    public static Decoded<ModeBlock> decode(ByteBuffer buffer, int offset) {
        if (!LittleEndian.fits(buffer, offset, LENGTH)) {
            return Decoded.truncated("mode block needs " + LENGTH + " bytes at " + offset);
        }
        ModeBlock modeBlock = new ModeBlock(LittleEndian.getInt(buffer, offset + FLAGS_OFFSET),
                LittleEndian.getLong(buffer, offset + GENERATION_OFFSET));
        if (LittleEndian.isZero(buffer, offset, LENGTH)) {
            return new Decoded<>(Verdict.BLANK, modeBlock, "all zero");
        }
        return Decoded.valid(modeBlock);
    }
}
