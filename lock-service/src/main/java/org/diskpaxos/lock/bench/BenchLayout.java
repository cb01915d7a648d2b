package org.diskpaxos.lock.bench;

import org.diskpaxos.paxos.ondisk.AreaGeometry;

/**
 * One storage layout the benchmark measures.
 *
 * @param disks       disks of the lockspace: 1, 3 or 5
 * @param numHosts    host blocks per resource area ({@code num_hosts}): what one ballot reads
 * @param geometry    sector and area size; {@code max_hosts} is the geometry's
 */
public record BenchLayout(int disks, int numHosts, AreaGeometry geometry) {
    public BenchLayout {
        if (disks < 1 || disks > 5 || disks % 2 == 0) {
            throw new IllegalArgumentException("disks must be 1, 3 or 5, got " + disks);
        }
        if (numHosts < 1 || numHosts > geometry.maxHosts()) {
            throw new IllegalArgumentException("host slots must be 1.." + geometry.maxHosts() + " for "
                    + geometry.describe() + ", got " + numHosts);
        }
    }

    /** {@code 1 disk, 2000 slots, 512 B} style label. */
    public String label() {
        return disks + (disks == 1 ? " disk, " : " disks, ") + numHosts + " slots, " + geometry.sectorSizeBytes()
                + " B";
    }
}
