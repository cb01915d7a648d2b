/**
 * Workloads that exist at the simulator's layer. {@code disk-io}
 * ({@link org.diskpaxos.sim.workload.DiskIoWorkload}): hosts doing random sector reads, writes and syncs on shared
 * disks, judged by a per-sector oracle ({@link org.diskpaxos.sim.workload.SectorOracle}) that knows only what the
 * hosts submitted and saw and which faults the disks injected. It tests the simulator itself and is the workload its
 * speed is measured on.
 */
package org.diskpaxos.sim.workload;
