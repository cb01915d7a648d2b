package org.diskpaxos.lock.active;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.paxos.active.ActiveValue;
import org.junit.jupiter.api.Test;

/** The two values active mode keeps on agents: heartbeats and lease records. Round trips, limits, garbage. */
class RecordsTest {

    @Test
    void heartbeatsRoundTripAndClimbInRank() {
        qt().forAll(integers().between(1, 0xffff), longs().between(1, 0xffff_fffeL), longs().between(0, 0xffff_fffeL),
                longs().between(0, Long.MAX_VALUE)).checkAssert((id, gen, counter, ts) -> {
                    HeartbeatRecord h = new HeartbeatRecord(ts % 2 == 0, id, gen, counter, ts, "m:b:host" + id);
                    assertEquals(h, HeartbeatRecord.decode(h.encode()));
                    assertTrue(h.next(ts).round() > h.round(), "a renewal must be written at a higher rank");
                    assertTrue(new HeartbeatRecord(false, id, gen + 1, 0, ts, "x").round() > h.round(),
                            "a new generation must rank above every renewal of the old one");
                });
    }

    @Test
    void garbageIsNotAHeartbeat() {
        HeartbeatRecord h = new HeartbeatRecord(false, 7, 3, 9, 1234, "000051a000000007:00000000000b0071:h7");
        byte[] bytes = h.encode();
        assertThrows(IllegalArgumentException.class, () -> HeartbeatRecord.decode(Arrays.copyOf(bytes, 20)));
        byte[] badMagic = bytes.clone();
        badMagic[0] ^= 1;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HeartbeatRecord.decode(badMagic)).getMessage()
                .contains("not a heartbeat"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IllegalArgumentException.class, () -> HeartbeatRecord.decode(longer));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatRecord.decode(new byte[0]));
    }

    @Test
    void leaseRecordsRoundTrip() {
        qt().forAll(integers().between(0, LeaseRecord.HOLDERS_MAX), integers().between(0, LeaseRecord.LVB_BYTES_MAX),
                longs().between(1, Long.MAX_VALUE), integers().between(0, 2)).checkAssert((holders, lvb, since, req) -> {
                    List<LeaseRecord.Holder> hs = new ArrayList<>();
                    for (int i = 0; i < holders; i++) {
                        hs.add(new LeaseRecord.Holder(i + 1, 1 + i * 7L, since));
                    }
                    LeaseMode mode = holders == 0 ? null : holders == 1 && since % 2 == 0 ? LeaseMode.EXCLUSIVE
                            : LeaseMode.SHARED;
                    byte[] block = new byte[lvb];
                    Arrays.fill(block, (byte) since.longValue());
                    RequestMode r = req == 0 ? null : req == 1 ? RequestMode.GRACEFUL : RequestMode.FORCE;
                    LeaseRecord rec = new LeaseRecord(mode, hs, block, r, r == null ? 0 : 9);
                    ActiveValue v = rec.encode();
                    assertTrue(v.length() <= ActiveValue.BYTES_MAX);
                    LeaseRecord back = LeaseRecord.decode(v);
                    assertEquals(rec, back);
                    assertArrayEquals(block, back.lvb());
                });
    }

    @Test
    void leaseRecordTransitions() {
        LeaseRecord.Holder a = new LeaseRecord.Holder(1, 1, 5);
        LeaseRecord.Holder b = new LeaseRecord.Holder(2, 4, 6);
        LeaseRecord shared = LeaseRecord.FREE.granting(LeaseMode.SHARED, a, List.of())
                .granting(LeaseMode.SHARED, b, List.of(a));
        assertEquals(List.of(a, b), shared.holders());
        assertEquals(a, shared.holder(1, 1));
        assertEquals(null, shared.holder(1, 2), "another generation of host 1 is not the holder");
        LeaseRecord requested = shared.requested(RequestMode.FORCE, 3);
        assertEquals(RequestMode.FORCE, requested.request());
        LeaseRecord left = requested.without(a, null);
        assertEquals(List.of(b), left.holders());
        assertEquals(null, left.request(), "a change of holders answers the request");
        LeaseRecord free = left.without(b, new byte[] {1, 2, 3});
        assertTrue(free.isFree());
        assertArrayEquals(new byte[] {1, 2, 3}, free.lvb());
        LeaseRecord ex = free.granting(LeaseMode.EXCLUSIVE, new LeaseRecord.Holder(3, 1, 8), List.of(b));
        assertEquals(1, ex.holders().size(), "an exclusive grant keeps nobody else");
        assertArrayEquals(new byte[] {1, 2, 3}, ex.lvb(), "the lock value block passes to the next holder");
    }

    @Test
    void leaseRecordLimitsAndGarbage() {
        List<LeaseRecord.Holder> many = new ArrayList<>();
        for (int i = 0; i <= LeaseRecord.HOLDERS_MAX; i++) {
            many.add(new LeaseRecord.Holder(i + 1, 1, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new LeaseRecord(LeaseMode.SHARED, many, new byte[0], null,
                0));
        assertThrows(IllegalArgumentException.class, () -> new LeaseRecord(LeaseMode.EXCLUSIVE, many.subList(0, 2),
                new byte[0], null, 0));
        assertThrows(IllegalArgumentException.class, () -> new LeaseRecord(null, List.of(), new byte[65], null, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LeaseRecord.decode(ActiveValue.ofUtf8("hello")))
                .getMessage().contains("not a lease record"));
        byte[] cut = Arrays.copyOf(LeaseRecord.FREE.granting(LeaseMode.SHARED, new LeaseRecord.Holder(1, 1, 1),
                List.of()).encode().bytes(), 20);
        assertThrows(IllegalArgumentException.class, () -> LeaseRecord.decode(ActiveValue.of(cut)));
    }
}
