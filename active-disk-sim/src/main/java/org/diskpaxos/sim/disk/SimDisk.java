package org.diskpaxos.sim.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.host.SimHost;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * One simulated shared disk: a {@link MemoryMedium} under a stack of fault decorators chosen by its
 * {@link DiskFaults}, and, per host, a path to it that can be cut, and per host incarnation an
 * {@link SimDiskPort} (the host's {@code AsyncBlockDevice}).
 *
 * <pre>
 *   host h's SimDiskPort ─► path gate (h) ─┐            one per host: "host h cut off from this disk"
 *   host k's SimDiskPort ─► path gate (k) ─┤
 *                                          ▼            shared by all hosts, top to bottom:
 *   SectorSplit? ► Latency ► Unresponsive ► Stall? ► CrashDrop? ► Error? ► TornWrite? ► Misdirect? ► BitFlip?
 *     ► WriteCache? ► MemoryMedium
 * </pre>
 * Stages marked ? are present only when their rate is non-zero. Everything below {@code CrashDrop} is
 * synchronous, so the instant a request passes {@code Stall} is the instant it is applied.
 */
public final class SimDisk {
    /** Limit on hosts that can address one disk. */
    public static final int HOSTS_MAX = 4096;

    private final DiskEnv env;
    private final DiskFaults faults;
    private final MemoryMedium medium;
    private final DiskStage top;
    private final UnresponsiveDisk diskGate;
    private final WriteCacheDisk cache;
    private final List<Healable> healables = new ArrayList<>();
    private final UnresponsiveDisk[] pathGates = new UnresponsiveDisk[HOSTS_MAX];
    private long nextRequestNumber;

    public SimDisk(int diskIndex, DiskGeometry geometry, DiskFaults faults, Scheduler scheduler, Prng prng,
            DiskFaultListener listener, CrashDropDisk.HostLiveness liveness) {
        this.env = new DiskEnv(diskIndex, geometry, scheduler, prng, listener);
        this.faults = Objects.requireNonNull(faults);
        this.medium = new MemoryMedium(diskIndex, geometry, scheduler);
        DiskStage s = medium;
        if (faults.writeCache()) {
            s = this.cache = new WriteCacheDisk(s, env);
        } else {
            this.cache = null;
        }
        if (faults.bitFlipReadProbability() > 0 || faults.bitFlipWriteProbability() > 0) {
            s = healable(new BitFlipDisk(s, env, faults.bitFlipReadProbability(), faults.bitFlipWriteProbability()));
        }
        if (faults.misdirectProbability() > 0) {
            s = healable(new MisdirectDisk(s, env, faults.misdirectProbability(), faults.misdirectSectorsMax(),
                    faults.misdirectMode()));
        }
        if (faults.tornWriteProbability() > 0) {
            s = healable(new TornWriteDisk(s, env, faults.tornWriteProbability()));
        }
        if (faults.errorProbability() > 0) {
            s = healable(new ErrorDisk(s, env, faults.errorProbability()));
        }
        s = new CrashDropDisk(s, env, liveness, faults.crashDropProbability());
        if (faults.stallProbability() > 0) {
            s = healable(new StallDisk(s, env, faults.stallProbability(), faults.stallNsMin(), faults.stallNsMax()));
        }
        s = this.diskGate = new UnresponsiveDisk(s, env, -1);
        s = new LatencyDisk(s, env, faults.latency());
        if (faults.sectorSplit()) {
            s = new SectorSplitDisk(s, env);
        }
        this.top = s;
    }

    private <T extends DiskStage & Healable> DiskStage healable(T stage) {
        healables.add(stage);
        return stage;
    }

    /** A new {@code AsyncBlockDevice} for {@code host}'s current incarnation, delivering on its loop. */
    public SimDiskPort viewFor(SimHost host) {
        if (host.loop() == null || !host.loop().isAlive()) {
            throw new IllegalStateException(host + " has no running loop to deliver results on");
        }
        return new SimDiskPort(this, pathGate(host.index()), host.loop(), host.index());
    }

    private UnresponsiveDisk pathGate(int hostIndex) {
        if (hostIndex < 0 || hostIndex >= HOSTS_MAX) {
            throw new IllegalArgumentException("host index " + hostIndex + " outside [0, " + HOSTS_MAX + ")");
        }
        UnresponsiveDisk gate = pathGates[hostIndex];
        if (gate == null) {
            gate = pathGates[hostIndex] = new UnresponsiveDisk(top, env, hostIndex);
        }
        return gate;
    }

    long nextRequestId() {
        return ((long) env.diskIndex() << 48) | nextRequestNumber++;
    }

    /** The disk stops answering every host (requests and replies are held) until {@link #resumeAnswering()}. */
    public void stopAnswering() {
        diskGate.stop();
    }

    public void resumeAnswering() {
        diskGate.resume();
    }

    public boolean isAnswering() {
        return diskGate.isAnswering();
    }

    /** Cuts {@code hostIndex}'s path to this disk: its I/O is held until {@link #reconnect}. */
    public void cutOff(int hostIndex) {
        pathGate(hostIndex).stop();
    }

    public void reconnect(int hostIndex) {
        pathGate(hostIndex).resume();
    }

    public boolean isCutOff(int hostIndex) {
        return !pathGate(hostIndex).isAnswering();
    }

    /** Power loss: unsynced writes in the write cache are lost or corrupted per {@code mode}; no-op without one. */
    public void powerLoss(PowerLossMode mode) {
        Scheduler scheduler = env.scheduler();
        scheduler.trace().record(TraceKind.DISK_CONTROL, scheduler.nowNs(), env.diskIndex(), 3, mode.ordinal());
        if (cache != null) {
            cache.powerLoss(mode);
        }
    }

    /** Stops every transient fault (errors, stalls, tears, misdirection, bit flips); latency stays. */
    public void healTransientFaults() {
        for (Healable h : healables) {
            h.heal();
        }
    }

    public boolean hasWriteCache() {
        return cache != null;
    }

    public int index() {
        return env.diskIndex();
    }

    public DiskGeometry geometry() {
        return env.geometry();
    }

    public DiskFaults faults() {
        return faults;
    }

    public MemoryMedium medium() {
        return medium;
    }

    Scheduler scheduler() {
        return env.scheduler();
    }

    public String name() {
        return "sim-disk-" + env.diskIndex();
    }
}
