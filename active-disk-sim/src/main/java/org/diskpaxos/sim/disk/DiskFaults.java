package org.diskpaxos.sim.disk;

/**
 * How one simulated disk misbehaves: which decorators its stack gets and their rates. Drawn per disk by the
 * fault planner; all probabilities are per I/O. A zero rate leaves the decorator out.
 *
 * @param latency                latency each way, per request
 * @param sectorSplit            multi-sector I/O is serviced sector by sector ({@link SectorSplitDisk})
 * @param stallProbability       an I/O stalls for {@code [stallNsMin, stallNsMax]} ({@link StallDisk})
 * @param crashDropProbability   an I/O whose host crashed while it was in flight is dropped ({@link CrashDropDisk})
 * @param errorProbability       an I/O fails with EIO ({@link ErrorDisk})
 * @param tornWriteProbability   a multi-sector write is torn ({@link TornWriteDisk})
 * @param misdirectProbability   an I/O goes up to {@code misdirectSectorsMax} sectors astray ({@link MisdirectDisk})
 * @param bitFlipReadProbability  a read returns one flipped bit ({@link BitFlipDisk})
 * @param bitFlipWriteProbability a write stores one flipped bit ({@link BitFlipDisk})
 * @param writeCache             writes stay volatile until a sync ({@link WriteCacheDisk})
 * @param misdirectMode          which I/O {@link MisdirectDisk} sends astray: reads, writes or both
 */
public record DiskFaults(LatencyModel latency, boolean sectorSplit, double stallProbability, long stallNsMin,
        long stallNsMax, double crashDropProbability, double errorProbability, double tornWriteProbability,
        double misdirectProbability, int misdirectSectorsMax, double bitFlipReadProbability,
        double bitFlipWriteProbability, boolean writeCache, MisdirectDisk.Mode misdirectMode) {

    public DiskFaults {
        if (latency == null || misdirectMode == null) {
            throw new IllegalArgumentException("latency and misdirect mode are required");
        }
        for (double p : new double[] {stallProbability, crashDropProbability, errorProbability,
                tornWriteProbability, misdirectProbability, bitFlipReadProbability, bitFlipWriteProbability}) {
            DiskDecorator.requireProbability(p, "disk fault rate");
        }
    }

    /** A disk that only has latency. */
    public static DiskFaults none(LatencyModel latency) {
        return new DiskFaults(latency, false, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, false, MisdirectDisk.Mode.BOTH);
    }

    /** Whether this disk may return or store wrong data, which a protocol must count against its tolerance. */
    public boolean corruptsData() {
        return misdirectProbability > 0 || bitFlipReadProbability > 0 || bitFlipWriteProbability > 0;
    }

    public DiskFaults withSectorSplit(boolean on) {
        return new DiskFaults(latency, on, stallProbability, stallNsMin, stallNsMax, crashDropProbability,
                errorProbability, tornWriteProbability, misdirectProbability, misdirectSectorsMax,
                bitFlipReadProbability, bitFlipWriteProbability, writeCache, misdirectMode);
    }

    public DiskFaults withStall(double p, long nsMin, long nsMax) {
        return new DiskFaults(latency, sectorSplit, p, nsMin, nsMax, crashDropProbability, errorProbability,
                tornWriteProbability, misdirectProbability, misdirectSectorsMax, bitFlipReadProbability,
                bitFlipWriteProbability, writeCache, misdirectMode);
    }

    public DiskFaults withCrashDrop(double p) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, p, errorProbability,
                tornWriteProbability, misdirectProbability, misdirectSectorsMax, bitFlipReadProbability,
                bitFlipWriteProbability, writeCache, misdirectMode);
    }

    public DiskFaults withErrors(double p) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, crashDropProbability, p,
                tornWriteProbability, misdirectProbability, misdirectSectorsMax, bitFlipReadProbability,
                bitFlipWriteProbability, writeCache, misdirectMode);
    }

    public DiskFaults withTornWrites(double p) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, crashDropProbability,
                errorProbability, p, misdirectProbability, misdirectSectorsMax, bitFlipReadProbability,
                bitFlipWriteProbability, writeCache, misdirectMode);
    }

    public DiskFaults withMisdirection(double p, int sectorsMax) {
        return withMisdirection(p, sectorsMax, MisdirectDisk.Mode.BOTH);
    }

    public DiskFaults withMisdirection(double p, int sectorsMax, MisdirectDisk.Mode mode) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, crashDropProbability,
                errorProbability, tornWriteProbability, p, sectorsMax, bitFlipReadProbability,
                bitFlipWriteProbability, writeCache, mode);
    }

    public DiskFaults withBitFlips(double readP, double writeP) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, crashDropProbability,
                errorProbability, tornWriteProbability, misdirectProbability, misdirectSectorsMax, readP, writeP,
                writeCache, misdirectMode);
    }

    public DiskFaults withWriteCache(boolean on) {
        return new DiskFaults(latency, sectorSplit, stallProbability, stallNsMin, stallNsMax, crashDropProbability,
                errorProbability, tornWriteProbability, misdirectProbability, misdirectSectorsMax,
                bitFlipReadProbability, bitFlipWriteProbability, on, misdirectMode);
    }
}
