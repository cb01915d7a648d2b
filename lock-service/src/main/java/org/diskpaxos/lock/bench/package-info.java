/**
 * {@code dplock bench}: what a lease costs through the embedded Java API, measured on storage the benchmark creates
 * and formats itself, and how long failover takes after the holder's JVM is killed.
 *
 * <ul>
 *   <li>{@link org.diskpaxos.lock.bench.LeaseBenchmark}: acquire and release latency percentiles and
 *       acquire+release cycles per second, serially on one resource and with several threads on a resource each, for
 *       every layout (disk count, {@code num_hosts}) asked for, the layouts interleaved in rounds so that they share
 *       the machine's background noise.</li>
 *   <li>{@link org.diskpaxos.lock.bench.BenchMode}: where the leases live. {@code disk} (Disk Paxos over files,
 *       {@link org.diskpaxos.lock.bench.DiskBenchMode}) is the only mode now; an {@code active} mode over active-disk
 *       agents plugs in as another implementation, with no change to the measuring code.</li>
 *   <li>{@link org.diskpaxos.lock.bench.FailoverBenchmark}: a holder in a child JVM
 *       ({@link org.diskpaxos.lock.bench.LeaseHolderMain}) is SIGKILLed while this JVM waits for the lease; the time
 *       from the kill to this JVM holding the lease, per timeout profile.</li>
 * </ul>
 */
package org.diskpaxos.lock.bench;
