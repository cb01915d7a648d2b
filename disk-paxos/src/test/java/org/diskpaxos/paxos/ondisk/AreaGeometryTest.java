package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Proves the geometry table is sanlock's (sanlock.md §1.1), that host offsets match the worked examples in sanlock's
 * man page, that our LVB sector stays inside the area for every geometry (sanlock's fixed 2002 does not), and that
 * limits are enforced.
 */
class AreaGeometryTest {
    @Test
    void tableIsSanlocks() {
        assertEquals(2000, AreaGeometry.of(512, AreaGeometry.MIB).maxHosts());
        assertEquals(250, AreaGeometry.of(4096, AreaGeometry.MIB).maxHosts());
        assertEquals(500, AreaGeometry.of(4096, 2 * AreaGeometry.MIB).maxHosts());
        assertEquals(1000, AreaGeometry.of(4096, 4 * AreaGeometry.MIB).maxHosts());
        assertEquals(2000, AreaGeometry.of(4096, 8 * AreaGeometry.MIB).maxHosts());
        assertThrows(IllegalArgumentException.class, () -> AreaGeometry.of(512, 2 * AreaGeometry.MIB));
        assertThrows(IllegalArgumentException.class, () -> AreaGeometry.of(1024, AreaGeometry.MIB));
        assertThrows(IllegalArgumentException.class, () -> new AreaGeometry(512, AreaGeometry.MIB, 1999));
        assertEquals(Optional.empty(), AreaGeometry.lookup(4096, 3 * AreaGeometry.MIB));
    }

    @Test
    void offsetsMatchSanlocksWorkedExample() {
        AreaGeometry g = AreaGeometry.SECTOR_512_ALIGN_1M;
        assertEquals(0, g.lockspaceHostOffsetBytes(1));
        assertEquals(0x200, g.lockspaceHostOffsetBytes(2));
        assertEquals(0xF9E00, g.lockspaceHostOffsetBytes(2000));
        assertEquals(0x200, g.resourceRequestOffsetBytes());
        assertEquals(0x400, g.resourceDblockOffsetBytes(1));
        assertEquals(0x480, g.resourceModeBlockOffsetBytes(1));
        assertEquals(0x600, g.resourceDblockOffsetBytes(2));
        assertEquals(0xFA200, g.resourceDblockOffsetBytes(2000));
        assertEquals(0xFA280, g.resourceModeBlockOffsetBytes(2000));
        assertEquals(0xFA400, g.resourceLvbOffsetBytes(), "identical to sanlock's LVB_SECTOR 2002 here");
        assertThrows(IllegalArgumentException.class, () -> g.lockspaceHostOffsetBytes(0));
        assertThrows(IllegalArgumentException.class, () -> g.resourceDblockOffsetBytes(2001));
    }

    @Test
    void lvbStaysInsideTheAreaWhereSanlocksFixedSectorDoesNot() {
        for (AreaGeometry g : AreaGeometry.ALL) {
            int lvbEnd = g.resourceLvbOffsetBytes() + g.sectorSizeBytes();
            assertTrue(lvbEnd <= g.alignSizeBytes(), g.describe());
            assertTrue(g.resourceLvbOffsetBytes() > g.resourceDblockOffsetBytes(g.maxHosts()), g.describe());
            boolean sanlockInside = (long) (AreaGeometry.SANLOCK_LVB_SECTOR + 1) * g.sectorSizeBytes() <= g.alignSizeBytes();
            assertEquals(g.maxHosts() == 2000, sanlockInside, "sanlock's LVB is inside only for 2000-host areas");
            if (sanlockInside) {
                assertEquals(AreaGeometry.SANLOCK_LVB_SECTOR * g.sectorSizeBytes(), g.resourceLvbOffsetBytes());
            }
        }
    }

    @Test
    void ballotReadsAreSanlocksPowerOfTwoAndStayInTheArea() {
        assertEquals(2048 * 512, AreaGeometry.SECTOR_512_ALIGN_1M.ballotReadLengthBytes(2000));
        assertEquals(4 * 512, AreaGeometry.SECTOR_512_ALIGN_1M.ballotReadLengthBytes(2));
        assertEquals(8 * 512, AreaGeometry.SECTOR_512_ALIGN_1M.ballotReadLengthBytes(3));
        assertEquals(256 * 4096, AreaGeometry.SECTOR_4K_ALIGN_1M.ballotReadLengthBytes(250));
        assertThrows(IllegalArgumentException.class, () -> AreaGeometry.SECTOR_4K_ALIGN_1M.ballotReadLengthBytes(251));
    }

    @Test
    void alignFlagsRoundTripAndLegacyDefaultsApply() {
        for (AreaGeometry g : AreaGeometry.ALL) {
            assertEquals(Optional.of(g), AreaGeometry.fromLeader(g.sectorSizeBytes(), g.alignFlag()));
        }
        assertEquals(Optional.of(AreaGeometry.SECTOR_512_ALIGN_1M), AreaGeometry.fromLeader(512, 0));
        assertEquals(Optional.of(AreaGeometry.SECTOR_4K_ALIGN_8M), AreaGeometry.fromLeader(4096, 0));
        assertEquals(Optional.empty(), AreaGeometry.fromLeader(512, LeaderRecordDescriptor.LFL_ALIGN_8M));
        assertEquals(Optional.empty(), AreaGeometry.fromLeader(0, 0));
    }
}
