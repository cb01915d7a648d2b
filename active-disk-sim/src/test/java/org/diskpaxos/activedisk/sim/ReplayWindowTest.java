package org.diskpaxos.activedisk.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The replay window accepts each id once, in any order within its width, and refuses what it cannot judge. */
class ReplayWindowTest {

    @Test
    void eachIdIsAcceptedOnceInAnyOrder() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(5));
        assertTrue(w.accept(3));
        assertFalse(w.accept(5));
        assertFalse(w.accept(3));
        assertTrue(w.accept(4));
        assertTrue(w.accept(1000));
        assertTrue(w.accept(6), "still inside the window");
        assertFalse(w.accept(6));
    }

    @Test
    void idsBelowTheWindowAndNonPositiveIdsAreRefused() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(1));
        assertTrue(w.accept(1 + ReplayWindow.WIDTH + 10));
        assertFalse(w.accept(2), "too old to tell whether it was seen");
        assertFalse(w.accept(0));
        assertFalse(w.accept(-3));
    }

    @Test
    void aBigJumpForgetsEverythingBelowIt() {
        ReplayWindow w = new ReplayWindow();
        for (int i = 1; i <= 100; i++) {
            assertTrue(w.accept(i));
        }
        long far = 100 + 5L * ReplayWindow.WIDTH;
        assertTrue(w.accept(far));
        assertTrue(w.accept(far - 1), "bits from before the jump must not leak into the new window");
        assertFalse(w.accept(far - 1));
    }
}
