package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * dplock's resource-area image is sanlock's initial area plus a stamp on exactly the dblocks of hosts 1..num_hosts,
 * and formatting is refused only over a valid lease of another resource or a lockspace, with the disk and offset
 * named.
 */
class ResourceFormatTest {
    private static final AreaGeometry G = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final AreaExpectation EXPECTED = AreaExpectation.resource("LS", "RES", G);

    @Test
    void theImageIsSanlocksAreaWithStampedBlankDblocks() {
        byte[] ours = ResourceFormat.image("LS", "RES", G, 16);
        byte[] sanlocks = AreaInit.resource("LS", "RES", G, 16);
        long areaId = DblockStamp.areaId("LS", "RES");
        ByteBuffer buffer = ByteBuffer.wrap(ours);
        for (int h = 1; h <= G.maxHosts(); h++) {
            int at = G.resourceDblockOffsetBytes(h);
            assertEquals(h <= 16 ? DblockStamp.Check.MATCHES : DblockStamp.Check.ABSENT,
                    DblockStamp.check(buffer, at, h, areaId), "host " + h);
            assertEquals(Verdict.BLANK, DblockDescriptor.decode(buffer, at).verdict(), "host " + h);
            for (int i = DblockStamp.MAGIC_OFFSET; i < DblockStamp.END_OFFSET; i++) {
                ours[at + i] = 0;
            }
        }
        // The lock value block sector holds an empty record (version 0, no value), so that a zero sector read there
        // later is a read that went elsewhere (lease simulation seed 8597).
        int lvbAt = G.resourceLvbOffsetBytes();
        Decoded<Lvb> lvb = LvbDescriptor.decode(buffer, lvbAt, G.sectorSizeBytes(), areaId);
        assertEquals(Verdict.VALID, lvb.verdict(), lvb.reason());
        assertEquals(0, lvb.value().lver());
        assertEquals(0, lvb.value().value().length);
        java.util.Arrays.fill(ours, lvbAt, lvbAt + G.sectorSizeBytes(), (byte) 0);
        assertArrayEquals(sanlocks, ours, "apart from the stamps and the empty LVB, byte for byte sanlock's init");
        AreaCheck check = AreaValidator.checkResource(ByteBuffer.wrap(ResourceFormat.image("LS", "RES", G, 16)),
                EXPECTED, "d", 0);
        assertEquals(Verdict.VALID, check.verdict(), check.message());
    }

    @Test
    void anotherResourceOrLockspaceIsRefusedWithDiskAndOffsetNamed() {
        Optional<String> other = ResourceFormat.refusal(ByteBuffer.wrap(AreaInit.resource("LS", "OTHER", G)),
                EXPECTED, "/dev/sdx", 3145728);
        assertTrue(other.isPresent());
        assertTrue(other.get().startsWith("disk /dev/sdx offset 3145728: holds the lease of resource 'LS:OTHER'"),
                other.get());
        Optional<String> otherLs = ResourceFormat.refusal(ByteBuffer.wrap(AreaInit.resource("LS2", "RES", G)),
                EXPECTED, "d", 0);
        assertTrue(otherLs.isPresent() && otherLs.get().contains("'LS2:RES'"), otherLs.toString());
        Optional<String> lockspace = ResourceFormat.refusal(
                ByteBuffer.wrap(AreaInit.lockspace("LS", G, 10).finalArea()), EXPECTED, "d", 0);
        assertTrue(lockspace.isPresent() && lockspace.get().contains("holds lockspace 'LS'"), lockspace.toString());
    }

    @Test
    void blankCorruptClearedAndTheSameResourceMayBeFormatted() {
        assertEquals(Optional.empty(), ResourceFormat.refusal(ByteBuffer.allocate(512), EXPECTED, "d", 0));
        byte[] corrupt = AreaInit.resource("LS", "OTHER", G);
        corrupt[LeaderRecordDescriptor.RESOURCE_NAME_OFFSET] ^= 1;
        assertEquals(Optional.empty(), ResourceFormat.refusal(ByteBuffer.wrap(corrupt), EXPECTED, "d", 0));
        byte[] cleared = AreaInit.clearedResource("LS", "OTHER", G, 2000, 5);
        assertEquals(Optional.empty(), ResourceFormat.refusal(ByteBuffer.wrap(cleared), EXPECTED, "d", 0));
        byte[] same = AreaInit.resource("LS", "RES", AreaGeometry.SECTOR_4K_ALIGN_8M);
        assertEquals(Optional.empty(), ResourceFormat.refusal(ByteBuffer.wrap(same), EXPECTED, "d", 0));
    }
}
