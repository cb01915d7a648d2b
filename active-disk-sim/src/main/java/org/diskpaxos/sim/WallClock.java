package org.diskpaxos.sim;

/**
 * The one place the simulator reads real time: to report how fast a run went (events per millisecond of wall
 * time). Nothing that decides what happens in a run may call it.
 */
public final class WallClock {
    private WallClock() {
    }

    public static long nanoTime() {
        return System.nanoTime();
    }
}
