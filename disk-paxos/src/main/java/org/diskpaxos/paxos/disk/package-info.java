/**
 * The Disk Paxos drivers: {@link org.diskpaxos.paxos.disk.DiskRankedRegister} runs the pure
 * {@link org.diskpaxos.paxos.core.DiskBallot} against {@link org.diskpaxos.blockdev.async.AsyncBlockDevice}s —
 * real disks through worker threads in production, simulated disks in the simulator — encoding sanlock's dblock
 * sectors (plus our self-identification stamp, {@link org.diskpaxos.paxos.ondisk.DblockStamp}), and
 * {@link org.diskpaxos.paxos.disk.DiskPaxosResource} decides a resource's lease versions and keeps its leader record.
 *
 * <p>Production wiring: {@link org.diskpaxos.paxos.disk.ResourceDisks} opens a resource area on its real disks (files
 * or block devices, each a path and an offset) with one event loop and worker threads per disk, and
 * {@link org.diskpaxos.paxos.disk.ResourceAreaFormatter} writes a dplock-formatted area to them, refusing to
 * overwrite another lease unless forced.
 */
package org.diskpaxos.paxos.disk;
