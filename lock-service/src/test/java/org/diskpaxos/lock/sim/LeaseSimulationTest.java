package org.diskpaxos.lock.sim;

import java.util.stream.Stream;
import org.diskpaxos.sim.SimSeeds;
import org.diskpaxos.sim.fault.Tolerance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Exclusive and shared leases on the simulator, with lock value blocks and requests, hosts crashing, pausing and
 * drifting and disks failing or stalling: within the timing assumptions an exclusive holder is never accompanied by
 * another holder at any virtual instant, tokens increase, a lock value block read is the newest released one, and
 * exclusive leases keep being granted after the heal; beyond them, no lease version is granted twice, fenced storage
 * never accepts an older token after a newer one, no lock value block read is garbage and no holder is told of a
 * request nobody made. {@code -Dsim.seed=N} replays one seed; the {@code long} sweeps run with -Plong.
 */
class LeaseSimulationTest {

    private static final long DURATION_NS = 4_000_000_000L;

    @TestFactory
    Stream<DynamicTest> withinTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1, 100, DURATION_NS);
    }

    @TestFactory
    Stream<DynamicTest> beyondTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.BEYOND, 1, 100, DURATION_NS);
    }

    /** Seeds that once failed, each with the fix it found: kept in the fast suite. */
    @TestFactory
    Stream<DynamicTest> regressions() {
        // 1777: a late leader write put the leader back two versions; every acquire then failed (StaleLeaderTest).
        // 2128: a bit flip in one disk's request record (no checksum) told a holder of a request nobody made.
        // 1041, 1115: liveness after the heal (acquirers gave up before a dead holder was provably dead).
        // 5043: a ballot that timed out was decided for its host after all; the acquire reported failure, and the
        //       other hosts waited for ever on a live owner that held nothing (LockspaceSession.settle).
        // 2422: a watch judged a live host gone (FREE) from the one disk it could read, a disk that had missed the
        //       host's join; its lease was granted again while held (HostWatch: FREE needs a majority).
        // 3318: a disk acknowledged a shared holder's mode-block write but misdirected it; counted toward the majority,
        //       the SHARED block was missing from the majority an exclusive acquirer read (OwnSector reads back).
        // 1512, 2812, 3947, 4524: liveness after the heal failed with intermediate code of the same day (4524 with the
        //       merged daemon changes, before the fixes above); they pass now and stay as extra runs.
        // 1602 beyond: a paused register of an old instance rolled its host's sector back (SectorWriteGateTest).
        // 5085: four hosts contended for one version with Consensus backoff windows of up to 64 slots (0.8 s); no
        //       grant in the liveness phase (DiskPaxosResource caps the window at 8 slots).
        // 3164: guards HostWatch's ALIVE rule. Judging ALIVE only from a change on a majority of disks (tried against
        //       the liveness failures 4054 and 5085) let a watch conclude DEAD while the host's renewal was still
        //       landing; the next holder read a stale lock value block. Any changed disk means alive.
        // 2420, 2697: with the fast round (faster hand-overs), a releaser's lock value block write that a stalled disk
        //       still held landed over the next holder's newer value; a later holder read the older one (AreaRecords:
        //       a release frees the lease only once its LVB writes have completed for good, or at the deadline).
        // 8597: a lock value block read misdirected to a zero sector counted as "never written" and, with a failed
        //       read of another disk, outvoted the real value (formatted areas now hold an empty LVB record).
        // 143, 5572, 2676, 4496, 4722, 11009, 4054, 4408: liveness after the heal failed with intermediate code of
        //       2026-11-27 (all five hosts contending for one version right after the heal; 4054 also a shared holder
        //       that died just before it). Not fixed by a targeted change; they pass now and stay as extra runs.
        //       6254 (a shared holder that crashed for good before the heal) still fails: an open liveness problem.
        // 1552, 9174, 11323: liveness after the heal failed while a lock value block's read-back waited for every
        //       disk (a release then waited an I/O timeout on a stalled disk); AreaRecords.writeLvb answers once a
        //       majority hold the value. 787, 10405: failed with a change to Lockspace.hostGone that was not kept.
        //       All pass now. 10070 (a holder that crashed for good before the heal, proven dead after the window)
        //       still fails: the same open liveness problem as 6254.
        return Stream.of(
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1041, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1115, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1777, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2128, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 5043, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2422, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 3318, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1512, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2812, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 3947, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 4524, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 3164, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 5085, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2420, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2697, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 8597, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 143, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 5572, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 2676, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 4496, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 4722, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 11009, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 4054, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 4408, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1552, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 9174, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 11323, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 787, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 10405, 1, DURATION_NS),
                SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.BEYOND, 1602, 1, DURATION_NS)).flatMap(s -> s);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyWithinTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.WITHIN, 1000, 3000, DURATION_NS);
    }

    @TestFactory
    @Tag("long")
    Stream<DynamicTest> manyBeyondTolerance() {
        return SimSeeds.sweep(LeaseWorkload.factory(), Tolerance.BEYOND, 1000, 3000, DURATION_NS);
    }
}
