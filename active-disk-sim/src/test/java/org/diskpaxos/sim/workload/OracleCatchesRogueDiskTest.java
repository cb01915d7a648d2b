package org.diskpaxos.sim.workload;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.function.Function;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.check.InvariantViolation;
import org.diskpaxos.sim.disk.DiskFaults;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.fault.FaultPlan;
import org.diskpaxos.sim.net.LinkFaults;
import org.junit.jupiter.api.Test;

/**
 * The disk-io oracle is not vacuous: when sectors change behind its back (a disk that replays an old sector, loses
 * a sector, or corrupts one without reporting it) the run fails with an oracle violation.
 */
class OracleCatchesRogueDiskTest {
    private static final long MS = 1_000_000L;

    /**
     * Runs disk-io without faults; from 100 ms to 150 ms a rogue writes {@code rogue(sector 5 as it was at 50 ms)}
     * to sector 5 every half millisecond, without telling the oracle.
     */
    private static String runWithRogue(Function<byte[], byte[]> rogue) {
        DiskIoWorkload workload = new DiskIoWorkload();
        FaultPlan plan = FaultPlan.none(workload.topology(), workload.tolerance(workload.topology()), 300 * MS,
                DiskFaults.none(new LatencyModel(20_000, 100_000, 1_000_000)), LinkFaults.reliable(100_000));
        Simulation sim = new Simulation(77, workload.topology(), plan);
        workload.install(sim);
        sim.start(workload::onHostStart);
        byte[][] captured = new byte[1][];
        sim.scheduler().at(50 * MS, () -> captured[0] = sim.disk(0).medium().sector(5));
        for (long at = 100 * MS; at < 150 * MS; at += MS / 2) {
            sim.scheduler().at(at, () -> {
                IoBuffer buffer = new IoBuffer(ByteBuffer.wrap(rogue.apply(captured[0])));
                sim.disk(0).viewFor(sim.host(0)).write(-1, 5L * 512, buffer, 512, 0, r -> { });
            });
        }
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> sim.runUntil(plan.endAtNs()),
                "the oracle missed a rogue write");
        assertTrue(v.checker().equals("disk-io-oracle"), v.getMessage());
        return v.detail();
    }

    @Test
    void replayOfAnOldSectorIsCaught() {
        String detail = runWithRogue(old -> old);
        // Judged stale while the old write is still in the sector's history, or unknown once pruned.
        assertTrue(detail.contains("stale write") || detail.contains("overwritten before the read started"), detail);
    }

    @Test
    void lostSectorIsCaught() {
        String detail = runWithRogue(old -> new byte[512]);
        assertTrue(detail.contains("returned zeros"), detail);
    }

    @Test
    void silentCorruptionIsCaught() {
        String detail = runWithRogue(old -> {
            byte[] bad = old.clone();
            bad[200] ^= 0x10;
            return bad;
        });
        assertTrue(detail.contains("corrupt sector"), detail);
    }

    @Test
    void withoutTheRogueTheSameRunPasses() {
        DiskIoWorkload workload = new DiskIoWorkload();
        FaultPlan plan = FaultPlan.none(workload.topology(), workload.tolerance(workload.topology()), 300 * MS,
                DiskFaults.none(new LatencyModel(20_000, 100_000, 1_000_000)), LinkFaults.reliable(100_000));
        Simulation sim = new Simulation(77, workload.topology(), plan);
        workload.install(sim);
        sim.start(workload::onHostStart);
        sim.runUntil(plan.endAtNs());
        assertTrue(workload.oracle().sectorsChecked() > 10_000, "judged " + workload.oracle().sectorsChecked());
        assertTrue(workload.livenessFailure(sim) == null);
    }
}
