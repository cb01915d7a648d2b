package org.diskpaxos.sim.workload;

import java.util.Locale;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.sim.HostContext;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.Topology;
import org.diskpaxos.sim.Workload;
import org.diskpaxos.sim.WorkloadFactory;
import org.diskpaxos.sim.disk.DiskGeometry;

/**
 * {@code --protocol disk-io}: {@value #HOSTS} hosts doing random sector reads, writes and syncs on {@value #DISKS}
 * shared disks, judged by a {@link SectorOracle} after every event. It exercises the simulator itself (every disk
 * fault, crashes, pauses, clocks) and is the workload the simulator's speed is measured on.
 *
 * <p>Liveness, in runs within tolerance: between the heal and the end, every host not counted faulty completes at
 * least one read and one write on a majority of the disks.
 */
public final class DiskIoWorkload implements Workload {
    public static final int HOSTS = 8;
    public static final int DISKS = 3;
    static final int SECTOR_SIZE_BYTES = 512;
    static final int SECTOR_COUNT = 256;
    static final int HOT_SECTORS = 64;

    private final Topology topology;
    private Simulation simulation;
    private SectorOracle oracle;
    private final int[] incarnation;
    private final boolean[][] readAfterHeal;
    private final boolean[][] wroteAfterHeal;
    private long ok;
    private long failed;
    private long timedOut;
    private long late;

    public DiskIoWorkload() {
        this(HOSTS, DISKS);
    }

    public DiskIoWorkload(int hosts, int disks) {
        this.topology = new Topology(hosts, disks, new DiskGeometry(SECTOR_SIZE_BYTES, SECTOR_COUNT));
        this.incarnation = new int[hosts];
        this.readAfterHeal = new boolean[hosts][disks];
        this.wroteAfterHeal = new boolean[hosts][disks];
    }

    /** The factory registered as {@code disk-io}. */
    public static WorkloadFactory factory() {
        return new WorkloadFactory() {
            @Override
            public String protocol() {
                return "disk-io";
            }

            @Override
            public String description() {
                return HOSTS + " hosts x " + DISKS + " disks of random sector I/O, checked against a per-sector oracle";
            }

            @Override
            public long defaultDurationNs() {
                return 1_000_000_000L;
            }

            @Override
            public Workload create() {
                return new DiskIoWorkload();
            }
        };
    }

    @Override
    public Topology topology() {
        return topology;
    }

    @Override
    public void install(Simulation sim) {
        this.simulation = sim;
        boolean[] caches = new boolean[topology.diskCount()];
        for (int d = 0; d < caches.length; d++) {
            caches[d] = sim.disk(d).hasWriteCache();
        }
        oracle = new SectorOracle(topology.diskCount(), SECTOR_COUNT, SECTOR_SIZE_BYTES, caches,
                (host, inc) -> sim.host(host).isAlive(inc));
        sim.addFaultListener(oracle);
        sim.checkers().register(oracle);
    }

    @Override
    public void onHostStart(HostContext host) {
        incarnation[host.hostIndex()] = host.incarnation();
        java.util.Arrays.fill(readAfterHeal[host.hostIndex()], false);
        java.util.Arrays.fill(wroteAfterHeal[host.hostIndex()], false);
        new DiskIoHost(host, this, oracle, SECTOR_SIZE_BYTES, HOT_SECTORS).start();
    }

    void completed(HostContext host, int disk, boolean write, IoResult result) {
        switch (result.status()) {
            case OK -> ok++;
            case FAILED -> failed++;
            case TIMED_OUT -> timedOut++;
            default -> throw new IllegalStateException();
        }
        if (result.late()) {
            late++;
        }
        if (result.ok() && host.incarnation() == incarnation[host.hostIndex()]
                && simulation.nowNs() > simulation.plan().healAtNs()) {
            (write ? wroteAfterHeal : readAfterHeal)[host.hostIndex()][disk] = true;
        }
    }

    @Override
    public String livenessFailure(Simulation sim) {
        int majority = topology.diskCount() / 2 + 1;
        StringBuilder missing = new StringBuilder();
        for (int h = 0; h < topology.hostCount(); h++) {
            if (sim.plan().isFaultyHost(h)) {
                continue;
            }
            if (!sim.host(h).isUp()) {
                missing.append(" host ").append(h).append(" is down;");
                continue;
            }
            int disksWithProgress = 0;
            for (int d = 0; d < topology.diskCount(); d++) {
                if (readAfterHeal[h][d] && wroteAfterHeal[h][d]) {
                    disksWithProgress++;
                }
            }
            if (disksWithProgress < majority) {
                missing.append(String.format(Locale.ROOT, " host %d completed reads and writes on %d of %d disks;",
                        h, disksWithProgress, topology.diskCount()));
            }
        }
        return missing.length() == 0 ? null
                : "no progress after the heal (a majority of disks needed):" + missing;
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "I/O ok %d, failed %d, timed out %d (late %d); sectors judged %d, "
                + "skipped (faulted read) %d, unverifiable %d, corrupt seen %d", ok, failed, timedOut, late,
                oracle.sectorsChecked(), oracle.sectorsSkippedFaulted(), oracle.sectorsUnverifiable(),
                oracle.corruptSectorsSeen());
    }

    SectorOracle oracle() {
        return oracle;
    }
}
