/**
 * Active-disk agents in the simulator: {@link org.diskpaxos.activedisk.sim.SimAgent} runs the real
 * {@code AgentCore} on a simulated host, persisting on a simulated disk and answering over the simulated network;
 * {@link org.diskpaxos.activedisk.sim.SimAgentClient} is the simulator's {@code AgentConnection};
 * {@link org.diskpaxos.activedisk.sim.AgentIoWorkload} ({@code dplock sim --protocol agent-io}) runs random
 * register traffic against three agents under every fault the planner draws, judged by
 * {@link org.diskpaxos.activedisk.sim.AgentOracle}.
 *
 * <p>Fault model of an agent: a crash of its host loses its memory and whatever I/O was in flight; a power loss of
 * its disk loses or garbles unsynced sectors and takes the host down too (the disk is in the agent's machine); I/O
 * errors make the agent reload; messages are delayed, lost, duplicated, reordered or cut by partitions.
 *
 * <pre>
 *   ./dplock sim --protocol agent-io --seeds 200               # within tolerance: safety and liveness
 *   ./dplock sim --protocol agent-io --seeds 200 --faults beyond
 *   mvn -pl active-disk-sim -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=AgentIoSeedsTest -Dsim.seed=N
 * </pre>
 * Nothing here reads a clock, starts a thread, draws from anything but the simulation's seed, or iterates a hash
 * order ({@code PurityRulesTest}).
 */
package org.diskpaxos.activedisk.sim;
