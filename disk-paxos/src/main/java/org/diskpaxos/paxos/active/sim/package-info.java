/**
 * Active Disk Paxos on the deterministic simulator ({@code dplock sim --protocol active} and {@code active-10k}):
 * the unchanged {@link org.diskpaxos.paxos.Consensus} layer over
 * {@link org.diskpaxos.paxos.active.ActiveRankedRegister}s, talking to the simulated agents of
 * {@code org.diskpaxos.activedisk.sim} over the simulated network, judged after every event by
 * {@link org.diskpaxos.paxos.active.sim.ActiveConsensusChecker}.
 */
package org.diskpaxos.paxos.active.sim;
