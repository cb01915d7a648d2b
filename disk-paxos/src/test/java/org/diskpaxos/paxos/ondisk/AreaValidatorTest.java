package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Proves that each way an area can be wrong (blank, interrupted init, foreign data, wrong kind, cleared, corrupt,
 * unsupported version, other sector size, other area size, other max hosts, bad num_hosts, other lockspace, other
 * resource) gets its own verdict and a message naming the disk, the byte offset and both values.
 */
class AreaValidatorTest {
    private static final AreaGeometry G = AreaGeometry.SECTOR_512_ALIGN_1M;
    private static final String DISK = "/dev/sdb";
    private static final long AREA_OFFSET = 1048576;

    private static AreaCheck resource(byte[] area, String lockspace, String resource, AreaGeometry geometry) {
        return AreaValidator.checkResource(ByteBuffer.wrap(area), AreaExpectation.resource(lockspace, resource,
                geometry), DISK, AREA_OFFSET);
    }

    private static AreaCheck lockspace(byte[] area, String lockspace, AreaGeometry geometry) {
        return AreaValidator.checkLockspace(ByteBuffer.wrap(area), AreaExpectation.lockspace(lockspace, geometry),
                DISK, AREA_OFFSET);
    }

    private static void assertCheck(AreaCheck check, Verdict verdict, String message) {
        assertEquals(verdict, check.verdict(), check.message());
        assertEquals(message, check.message());
    }

    @Test
    void validAreasPass() {
        assertEquals(Verdict.VALID, resource(AreaInit.resource("A", "R", G), "A", "R", G).verdict());
        assertEquals(Verdict.VALID, lockspace(AreaInit.lockspace("A", G, 10).finalArea(), "A", G).verdict());
    }

    @Test
    void foreignLockspaceAndResourceAreNamed() {
        assertCheck(resource(AreaInit.resource("A", "R", G), "B", "R", G), Verdict.WRONG_LOCKSPACE,
                "disk /dev/sdb offset 1048576: resource lease area belongs to lockspace 'A', expected 'B'");
        assertCheck(resource(AreaInit.resource("A", "R", G), "A", "S", G), Verdict.WRONG_RESOURCE,
                "disk /dev/sdb offset 1048576: resource lease area holds resource 'R', expected 'S'");
        assertCheck(lockspace(AreaInit.lockspace("A", G, 10).finalArea(), "B", G), Verdict.WRONG_LOCKSPACE,
                "disk /dev/sdb offset 1048576: lockspace area belongs to lockspace 'A', expected 'B'");
        // sanlock compares names with strncmp: a prefix is a different name.
        assertEquals(Verdict.WRONG_LOCKSPACE, lockspace(AreaInit.lockspace("AB", G, 10).finalArea(), "A", G).verdict());
    }

    @Test
    void blankIncompleteForeignAndWrongKindAreDistinguished() {
        assertCheck(resource(new byte[512], "A", "R", G), Verdict.BLANK,
                "disk /dev/sdb offset 1048576: resource lease area is blank (all zero): it was never initialised");
        AreaInit.LockspaceImage image = AreaInit.lockspace("A", G, 10);
        assertCheck(lockspace(image.uncommittedArea(), "A", G), Verdict.INIT_INCOMPLETE,
                "disk /dev/sdb offset 1048576: lockspace area: initialisation did not finish (sector 0 has magic 0);"
                        + " initialise it again");
        byte[] junk = new byte[512];
        junk[0] = 0x7F;
        assertEquals(Verdict.BAD_MAGIC, resource(junk, "A", "R", G).verdict());
        assertCheck(lockspace(AreaInit.resource("A", "R", G), "A", G), Verdict.WRONG_KIND,
                "disk /dev/sdb offset 1048576: lockspace area holds the resource lease 'R' of lockspace 'A',"
                        + " expected a lockspace");
        assertEquals(Verdict.WRONG_KIND, resource(image.finalArea(), "A", "R", G).verdict());
        AreaCheck cleared = resource(AreaInit.clearedResource("A", "R", G, 2000, 5), "A", "R", G);
        assertEquals(Verdict.CLEARED, cleared.verdict());
        assertTrue(cleared.message().contains("was cleared"), cleared.message());
        assertEquals(Verdict.TRUNCATED, resource(new byte[100], "A", "R", G).verdict());
    }

    @Test
    void corruptionAndVersionsAreReported() {
        byte[] area = AreaInit.resource("A", "R", G);
        area[LeaderRecordDescriptor.SPACE_NAME_OFFSET] ^= 0x02;
        AreaCheck corrupt = resource(area, "A", "R", G);
        assertEquals(Verdict.BAD_CHECKSUM, corrupt.verdict(), "corruption is not mistaken for a foreign lockspace");
        assertTrue(corrupt.message().startsWith("disk /dev/sdb offset 1048576: resource lease area is corrupt: bad"
                + " checksum"), corrupt.message());
        LeaderRecord future = LeaderRecord.paxosInit("A", "R", G, 2000).withMagic(LeaderRecordDescriptor.PAXOS_DISK_MAGIC);
        byte[] v7 = AreaInit.resource("A", "R", G);
        LeaderRecordDescriptor.encode(new LeaderRecord(future.magic(), 0x00070001, future.flags(),
                future.sectorSizeBytes(), future.numHosts(), future.maxHosts(), 0, 0, 0, "A", "R", 0, 0, 0, 0, 0, 0, 0),
                ByteBuffer.wrap(v7), 0);
        assertEquals(Verdict.UNSUPPORTED_VERSION, resource(v7, "A", "R", G).verdict());
        byte[] minor = AreaInit.resource("A", "R", G);
        LeaderRecordDescriptor.encode(new LeaderRecord(future.magic(), 0x00060001, future.flags(),
                future.sectorSizeBytes(), future.numHosts(), future.maxHosts(), 0, 0, 0, "A", "R", 0, 0, 0, 0, 0, 0, 0),
                ByteBuffer.wrap(minor), 0);
        assertEquals(Verdict.VALID, resource(minor, "A", "R", G).verdict(), "only the major version is checked");
    }

    @Test
    void sizesThatDifferFromTheConfigurationAreNamed() {
        AreaGeometry small = AreaGeometry.SECTOR_4K_ALIGN_1M;
        byte[] area4k = AreaInit.resource("A", "R", small);
        assertCheck(resource(area4k, "A", "R", G), Verdict.WRONG_SECTOR_SIZE,
                "disk /dev/sdb offset 1048576: resource lease area was initialised with 4096-byte sectors, configured"
                        + " 512; configure sector size 4096 or initialise the area again");
        assertCheck(resource(area4k, "A", "R", AreaGeometry.SECTOR_4K_ALIGN_8M), Verdict.WRONG_ALIGN_SIZE,
                "disk /dev/sdb offset 1048576: resource lease area was initialised as 4096/1M (250 hosts),"
                        + " configured 4096/8M (2000 hosts)");
        assertEquals(Verdict.WRONG_ALIGN_SIZE, lockspace(AreaInit.lockspace("A", AreaGeometry.SECTOR_4K_ALIGN_2M, 10)
                .finalArea(), "A", AreaGeometry.SECTOR_4K_ALIGN_4M).verdict());

        byte[] odd = AreaInit.resource("A", "R", G);
        LeaderRecordDescriptor.encode(LeaderRecord.paxosInit("A", "R", G, 2000).withNumHosts(0), ByteBuffer.wrap(odd), 0);
        assertEquals(Verdict.BAD_NUM_HOSTS, resource(odd, "A", "R", G).verdict());
        LeaderRecord fewer = LeaderRecord.paxosInit("A", "R", G, 100);
        LeaderRecordDescriptor.encode(new LeaderRecord(fewer.magic(), fewer.version(), fewer.flags(), 512, 100, 1000,
                0, 0, 0, "A", "R", 0, 0, 0, 0, 0, 0, 0), ByteBuffer.wrap(odd), 0);
        assertCheck(resource(odd, "A", "R", G), Verdict.WRONG_MAX_HOSTS,
                "disk /dev/sdb offset 1048576: resource lease area was initialised for 1000 hosts, configured 2000");
    }

    @Test
    void legacyLeadersWithoutAlignFlagUseSanlocksOldRule() {
        byte[] area = AreaInit.resource("A", "R", G);
        LeaderRecordDescriptor.encode(LeaderRecord.paxosInit("A", "R", G, 2000).withFlags(0), ByteBuffer.wrap(area), 0);
        assertEquals(Verdict.VALID, resource(area, "A", "R", G).verdict(), "no flag + 512 means 1 MiB");
    }

    @Test
    void aSingleHostSlotIsCheckedAtItsOwnOffset() {
        byte[] area = AreaInit.lockspace("A", G, 10).finalArea();
        area[G.lockspaceHostOffsetBytes(7) + LeaderRecordDescriptor.LVER_OFFSET] = 1;
        AreaCheck check = AreaValidator.checkDeltaLease(ByteBuffer.wrap(area), 7, AreaExpectation.lockspace("A", G),
                DISK, AREA_OFFSET);
        assertEquals(Verdict.BAD_CHECKSUM, check.verdict());
        assertTrue(check.message().startsWith("disk /dev/sdb offset " + (AREA_OFFSET + 6 * 512)
                + ": delta lease of host 7 is corrupt"), check.message());
    }
}
