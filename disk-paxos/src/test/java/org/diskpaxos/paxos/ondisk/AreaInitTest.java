package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Proves the init images have sanlock's shape for every geometry: a lockspace commits atomically through sector 0
 * (invalid before the second write, valid after), every host slot holds a free delta lease, a resource holds a free
 * leader, the request record and nothing else. Byte equality with sanlock's own init is in SanlockCompatibilityTest.
 */
class AreaInitTest {
    @Test
    void lockspaceCommitsThroughSectorZero() {
        for (AreaGeometry g : AreaGeometry.ALL) {
            AreaInit.LockspaceImage image = AreaInit.lockspace("LS", g, 10);
            assertEquals(g.alignSizeBytes(), image.uncommittedArea().length);
            assertEquals(g.sectorSizeBytes(), image.commitSector().length);
            ByteBuffer before = ByteBuffer.wrap(image.uncommittedArea());
            assertEquals(Verdict.INIT_INCOMPLETE, LeaderRecordDescriptor.decode(before, 0).verdict());
            ByteBuffer after = ByteBuffer.wrap(image.finalArea());
            for (int hostId = 1; hostId <= g.maxHosts(); hostId++) {
                Decoded<DeltaLease> slot = DeltaLeaseDescriptor.decode(after, g.lockspaceHostOffsetBytes(hostId));
                assertEquals(Verdict.VALID, slot.verdict());
                assertEquals(LeaderRecord.deltaInit("LS", g, 10), slot.value().leader());
                if (hostId > 1) {
                    assertEquals(Verdict.VALID, DeltaLeaseDescriptor.decode(before, g.lockspaceHostOffsetBytes(hostId))
                            .verdict(), "only sector 0 waits for the commit");
                }
            }
            int used = g.maxHosts() * g.sectorSizeBytes();
            assertTrue(LittleEndian.isZero(after, used, g.alignSizeBytes() - used), "nothing after the last slot");
        }
        assertThrows(IllegalArgumentException.class, () -> AreaInit.lockspace("LS", AreaGeometry.SECTOR_512_ALIGN_1M, 0));
        assertThrows(IllegalArgumentException.class,
                () -> AreaInit.lockspace("LS", AreaGeometry.SECTOR_512_ALIGN_1M, 256));
    }

    @Test
    void resourceHoldsLeaderRequestAndZeros() {
        for (AreaGeometry g : AreaGeometry.ALL) {
            ByteBuffer area = ByteBuffer.wrap(AreaInit.resource("LS", "RES", g));
            Decoded<LeaderRecord> leader = LeaderRecordDescriptor.decode(area, 0);
            assertEquals(Verdict.VALID, leader.verdict());
            assertTrue(leader.value().isFree());
            assertEquals(g.maxHosts(), leader.value().numHosts());
            assertEquals(RequestRecord.INITIAL, RequestRecordDescriptor.decode(area, g.resourceRequestOffsetBytes()).value());
            int hostsStart = g.resourceDblockOffsetBytes(1);
            assertTrue(LittleEndian.isZero(area, hostsStart, g.alignSizeBytes() - hostsStart));
            assertEquals(Verdict.BLANK, DblockDescriptor.decode(area, g.resourceDblockOffsetBytes(g.maxHosts())).verdict());
        }
        assertThrows(IllegalArgumentException.class,
                () -> AreaInit.resource("LS", "RES", AreaGeometry.SECTOR_4K_ALIGN_1M, 251));
    }
}
