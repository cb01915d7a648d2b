package org.diskpaxos.sim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace hash changes with every field of every record, and the recent window keeps the last records in order. */
class EventTraceTest {

    private static long hashOf(TraceKind kind, long time, int subject, long a, long b) {
        EventTrace t = new EventTrace();
        t.record(TraceKind.EVENT, 1, 1, 1, 1);
        t.record(kind, time, subject, a, b);
        return t.hash();
    }

    @Test
    void everyFieldChangesTheHash() {
        long base = hashOf(TraceKind.IO_APPLY, 10, 2, 3, 4);
        assertEquals(base, hashOf(TraceKind.IO_APPLY, 10, 2, 3, 4));
        assertNotEquals(base, hashOf(TraceKind.IO_RESULT, 10, 2, 3, 4));
        assertNotEquals(base, hashOf(TraceKind.IO_APPLY, 11, 2, 3, 4));
        assertNotEquals(base, hashOf(TraceKind.IO_APPLY, 10, 3, 3, 4));
        assertNotEquals(base, hashOf(TraceKind.IO_APPLY, 10, 2, 4, 4));
        assertNotEquals(base, hashOf(TraceKind.IO_APPLY, 10, 2, 3, 5));
    }

    @Test
    void recentWindowKeepsTheLastRecordsAndSinkSeesAll() {
        EventTrace t = new EventTrace();
        List<String> sunk = new ArrayList<>();
        t.setSink(sunk::add);
        for (int i = 0; i < EventTrace.RECENT_MAX + 10; i++) {
            t.record(TraceKind.WORKLOAD, i, 0, i, 0);
        }
        List<String> recent = t.recent();
        assertEquals(EventTrace.RECENT_MAX, recent.size());
        assertTrue(recent.get(0).startsWith(EventTrace.formatTime(10)), recent.get(0));
        assertEquals(EventTrace.RECENT_MAX + 10, sunk.size());
        assertEquals("1.000000005s", EventTrace.formatTime(1_000_000_005L));
    }
}
