/**
 * The Disk Paxos drivers: {@link org.diskpaxos.paxos.disk.DiskRankedRegister} runs the pure
 * {@link org.diskpaxos.paxos.core.DiskBallot} against {@link org.diskpaxos.blockdev.async.AsyncBlockDevice}s —
 * real disks through worker threads in production, simulated disks in the simulator — encoding sanlock's dblock
 * sectors (plus our self-identification stamp, {@link org.diskpaxos.paxos.ondisk.DblockStamp}).
 */
package org.diskpaxos.paxos.disk;
