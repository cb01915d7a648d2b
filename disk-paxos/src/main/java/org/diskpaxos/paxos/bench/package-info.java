/**
 * The Disk Paxos ballot benchmark behind {@code dplock bench-paxos}: latency percentiles and decisions per second of
 * uncontended ballots ({@link org.diskpaxos.paxos.bench.PaxosBenchmark}) on file-backed disks, measured in the same
 * run as the physical floor of the same I/O pattern, by a raw native pread/pwrite loop and by dd
 * ({@link org.diskpaxos.paxos.bench.BallotFloor}).
 */
package org.diskpaxos.paxos.bench;
