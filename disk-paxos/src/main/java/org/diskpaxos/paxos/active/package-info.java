/**
 * Active Disk Paxos, client side: the ranked register of Chockler and Malkhi over {@code n} read-modify-write
 * agents ({@link org.diskpaxos.paxos.active.ActiveRankedRegister}, made by
 * {@link org.diskpaxos.paxos.active.ActiveResource}), on which {@link org.diskpaxos.paxos.Consensus} runs
 * unchanged, with the fast path of algorithms.md §2.7 (a fence of one {@code rrReadFrom}, then one write round
 * per decision).
 *
 * <p>Processes need no registration: each incarnation draws a random 128-bit
 * {@link org.diskpaxos.paxos.active.ProcessId}, the id half of its ranks, and an agent keeps {@code (R, W, V)}
 * per register whatever the number of processes. Values are
 * {@link org.diskpaxos.paxos.active.ActiveValue}s of up to 256 bytes.
 *
 * <p>Sub-packages: {@code core}, the pure client state machine (quorums, fence, one value per rank);
 * {@code sim}, the {@code active} workloads of {@code dplock sim}; {@code bench}, {@code dplock bench --mode
 * active}.
 *
 * <p>Glossary (the paper's names): <em>R</em>, an agent's highest read rank (one per resource); <em>W</em>,
 * <em>V</em>, an instance's write rank and value; <em>fence</em>, a majority of {@code rrReadFrom(i, F)} answers,
 * which is a complete read of rank {@code F} of every instance {@code >= i}; <em>majority</em>,
 * {@code n / 2 + 1} agents.
 */
package org.diskpaxos.paxos.active;
