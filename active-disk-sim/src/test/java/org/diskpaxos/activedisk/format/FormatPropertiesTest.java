package org.diskpaxos.activedisk.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import org.diskpaxos.activedisk.AgentRank;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Device records round-trip; any single flipped bit of a written record is caught (never decoded as valid);
 * blank sectors decode as BLANK; a record read at another sector is MISPLACED; a record of another kind is WRONG_KIND.
 */
class FormatPropertiesTest {
    private static final int SECTOR = 512;

    private static Gen<InstanceRecord> instances() {
        return SourceDSL.longs().between(1, Long.MAX_VALUE).zip(SourceDSL.longs().between(0, Long.MAX_VALUE),
                SourceDSL.longs().all(), SourceDSL.integers().between(0, 256),
                (gen, inst, id, len) -> {
                    byte[] v = new byte[len];
                    for (int i = 0; i < len; i++) {
                        v[i] = (byte) (id >>> (i % 8 * 8));
                    }
                    return new InstanceRecord(gen, "res-" + (inst % 1000), inst, new AgentRank(gen, id, ~id), v);
                });
    }

    @Test
    void instanceRecordsRoundTrip() {
        qt().withExamples(500).withFixedSeed(1).forAll(instances()).check(r ->
                InstanceRecord.decode(r.encode(SECTOR, 17), 17).value().equals(r));
    }

    @Test
    void everySingleBitFlipOfARecordIsCaught() {
        qt().withExamples(300).withFixedSeed(2).forAll(instances(), SourceDSL.integers().between(0, SECTOR * 8 - 1))
                .check((r, bit) -> {
                    byte[] s = r.encode(SECTOR, 17);
                    s[bit / 8] ^= (byte) (1 << (bit % 8));
                    return !InstanceRecord.decode(s, 17).isValid();
                });
    }

    @Test
    void resourceAndCasRecordsRoundTripAndCatchFlips() {
        qt().withExamples(300).withFixedSeed(3).forAll(SourceDSL.longs().between(1, 1 << 40),
                SourceDSL.integers().between(0, SECTOR * 8 - 1)).checkAssert((gen, bit) -> {
                    ResourceRecord r = new ResourceRecord(gen, "r" + gen, new AgentRank(gen, gen * 3, gen * 7));
                    byte[] s = r.encode(SECTOR, 5);
                    assertEquals(r, ResourceRecord.decode(s, 5).value());
                    s[bit / 8] ^= (byte) (1 << (bit % 8));
                    assertTrue(!ResourceRecord.decode(s, 5).isValid());
                    byte[] content = new byte[256];
                    content[(int) (gen % 256)] = (byte) gen.longValue();
                    CasRecord c = new CasRecord(gen, 4, content);
                    byte[] cs = c.encode(SECTOR, 9);
                    assertEquals(c, CasRecord.decode(cs, 9, 4).value());
                    cs[bit / 8] ^= (byte) (1 << (bit % 8));
                    assertTrue(!CasRecord.decode(cs, 9, 4).isValid());
                });
    }

    @Test
    void blankMisplacedAndWrongKindSectorsAreNamed() {
        assertEquals(Verdict.BLANK, InstanceRecord.decode(new byte[SECTOR], 3).verdict());
        byte[] r = new ResourceRecord(1, "a", AgentRank.ZERO).encode(SECTOR, 3);
        assertEquals(Verdict.MISPLACED, ResourceRecord.decode(r, 4).verdict());
        assertEquals(Verdict.WRONG_KIND, InstanceRecord.decode(r, 3).verdict());
        byte[] garbage = new byte[SECTOR];
        garbage[0] = 1;
        assertEquals(Verdict.BAD_MAGIC, InstanceRecord.decode(garbage, 3).verdict());
    }

    @Test
    void theLayoutPutsEveryRecordInItsOwnSectorAndLocateInvertsIt() {
        AgentGeometry g = new AgentGeometry(512, 5, 3, 4);
        java.util.TreeSet<Long> used = new java.util.TreeSet<>();
        used.add(g.superblockSector());
        for (int s = 0; s < 5; s++) {
            for (int c = 0; c < 2; c++) {
                long h = g.resourceHeaderSector(s, c);
                assertTrue(used.add(h));
                assertEquals(new AgentFormat.Location(AgentFormat.Role.RESOURCE_HEADER, s, -1, c),
                        AgentFormat.locate(g, h));
                for (int k = 0; k < 3; k++) {
                    long i = g.instanceSector(s, k, c);
                    assertTrue(used.add(i));
                    assertEquals(new AgentFormat.Location(AgentFormat.Role.INSTANCE, s, k, c), AgentFormat.locate(g, i));
                }
            }
        }
        for (int b = 0; b < 4; b++) {
            for (int c = 0; c < 2; c++) {
                long x = g.casSector(b, c);
                assertTrue(used.add(x));
                assertEquals(new AgentFormat.Location(AgentFormat.Role.CAS_BLOCK, b, -1, c), AgentFormat.locate(g, x));
            }
        }
        assertEquals(g.sectorCount(), used.size());
        assertEquals(g.sectorCount() - 1, (long) used.last());
    }
}
