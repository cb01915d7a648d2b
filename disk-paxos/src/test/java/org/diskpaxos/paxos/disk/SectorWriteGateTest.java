package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-sector write gate: one write in flight, the rest in FIFO order up to its limit, and never a block of an
 * earlier instance once a later instance's block went through (a paused register of an old instance must not roll
 * this host's sector back).
 */
class SectorWriteGateTest {

    @Test
    void oneWriteInFlightTheRestInOrderUpToTheLimit() {
        SectorWriteGate gate = new SectorWriteGate();
        List<Integer> ran = new ArrayList<>();
        assertTrue(gate.submit(() -> ran.add(0)));
        for (int i = 1; i <= SectorWriteGate.QUEUED_MAX; i++) {
            int n = i;
            assertTrue(gate.submit(() -> ran.add(n)));
        }
        assertFalse(gate.submit(() -> ran.add(-1)), "the queue is full");
        assertEquals(List.of(0), ran);
        for (int i = 0; i <= SectorWriteGate.QUEUED_MAX; i++) {
            gate.done();
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), ran);
        assertFalse(gate.busy());
        assertThrows(IllegalStateException.class, gate::done);
    }

    @Test
    void aBlockOfAnEarlierInstanceIsRefusedOnceALaterOneWentThrough() {
        SectorWriteGate gate = new SectorWriteGate();
        assertTrue(gate.admit(18));
        assertTrue(gate.admit(18), "more rounds of the same instance");
        assertTrue(gate.admit(26));
        assertFalse(gate.admit(18), "seed 1602: instance 18's late round would erase instance 26's value");
        assertTrue(gate.admit(26));
        assertEquals(26, gate.newestLver());
    }
}
