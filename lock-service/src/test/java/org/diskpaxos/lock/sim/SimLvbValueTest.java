package org.diskpaxos.lock.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The values the lease simulation writes to lock value blocks name their writer's token and are recognised as
 * garbage when any byte changes — so the checker's "never garbage" rule can actually fail.
 */
class SimLvbValueTest {

    @Test
    void aValueNamesItsWriterAndTheEmptyBlockNamesNone() {
        assertEquals(17, LeaseWorkload.writerToken(LeaseWorkload.lvbValue(17, 0)));
        assertEquals(17, LeaseWorkload.writerToken(LeaseWorkload.lvbValue(17, 300)));
        assertEquals(0, LeaseWorkload.writerToken(new byte[0]));
    }

    @Test
    void anyChangedByteOrAShortValueIsGarbage() {
        byte[] value = LeaseWorkload.lvbValue(5, 40);
        for (int i = 0; i < value.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = value.clone();
                bad[i] ^= (byte) (1 << bit);
                assertEquals(-1, LeaseWorkload.writerToken(bad), "byte " + i + " bit " + bit);
            }
        }
        assertEquals(-1, LeaseWorkload.writerToken(new byte[] {1, 2, 3}));
        assertEquals(-1, LeaseWorkload.writerToken(java.util.Arrays.copyOf(value, value.length - 1)), "cut short");
        assertEquals(-1, LeaseWorkload.writerToken(LeaseWorkload.lvbValue(0, 4)), "token 0 is never granted");
    }
}
