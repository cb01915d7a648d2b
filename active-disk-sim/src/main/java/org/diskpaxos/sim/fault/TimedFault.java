package org.diskpaxos.sim.fault;

import org.diskpaxos.sim.disk.PowerLossMode;

/** One fault of a plan at a virtual instant, or over a window {@code [atNs, atNs + durationNs)}. */
public sealed interface TimedFault {
    /** A window that never closes. */
    long FOREVER = Long.MAX_VALUE;

    long atNs();

    /** When the fault's window closes ({@code atNs} for an instantaneous fault; FOREVER if it never does). */
    default long endNs() {
        return atNs();
    }

    private static long end(long atNs, long durationNs) {
        return durationNs == FOREVER ? FOREVER : atNs + durationNs;
    }

    record Crash(int host, long atNs) implements TimedFault { }

    record Restart(int host, long atNs) implements TimedFault { }

    record Pause(int host, long atNs, long durationNs) implements TimedFault {
        @Override
        public long endNs() {
            return end(atNs, durationNs);
        }
    }

    record Drift(int host, long atNs, double driftPpm) implements TimedFault { }

    record ClockStep(int host, long atNs, long stepNs) implements TimedFault { }

    record DiskStop(int disk, long atNs, long durationNs) implements TimedFault {
        @Override
        public long endNs() {
            return end(atNs, durationNs);
        }
    }

    record PowerLoss(int disk, long atNs, PowerLossMode mode) implements TimedFault { }

    record CutOff(int host, int disk, long atNs, long durationNs) implements TimedFault {
        @Override
        public long endNs() {
            return end(atNs, durationNs);
        }
    }

    record Partition(int hostA, int hostB, long atNs, long durationNs) implements TimedFault {
        @Override
        public long endNs() {
            return end(atNs, durationNs);
        }
    }
}
