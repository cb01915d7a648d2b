/**
 * Disk Paxos on the deterministic simulator: the {@code disk} workload of {@code dplock sim}, which runs the
 * production {@link org.diskpaxos.paxos.disk.DiskRankedRegister} and {@link org.diskpaxos.paxos.Consensus} on
 * simulated disks under the seed's fault plan, and the checker of agreement, validity and ranked-register safety.
 *
 * <p>Reproduce a seed: {@code ./dplock sim --protocol disk --seed N [--faults beyond]}; the run prints its trace
 * hash, and a failing seed prints the events before the violation.
 */
package org.diskpaxos.paxos.sim;
