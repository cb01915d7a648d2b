/**
 * Active Disk Paxos, disk side: the active-disk agent, its protocol, and the client-facing interface every kind
 * of active disk offers.
 *
 * <h2>For the ranked register: how to talk to agents</h2>
 * {@link org.diskpaxos.activedisk.AgentConnection} is one read-modify-write object. Three implementations, one
 * contract (one callback per request, on the connection's {@code EventLoop}; {@code Unavailable} when no answer):
 * <ul>
 *   <li>{@link org.diskpaxos.activedisk.AgentClient}, a real agent over TCP, made by
 *       {@link org.diskpaxos.activedisk.AgentTransport#connect} (one transport thread serves any number of
 *       clients);</li>
 *   <li>{@code org.diskpaxos.activedisk.sim.SimAgentClient}, a simulated agent over the simulated network, made by
 *       {@code SimClientPort#connect} on a simulated host;</li>
 *   <li>{@code org.diskpaxos.activedisk.inhost.InHostAgent}, a register file shared by the processes of one
 *       machine.</li>
 * </ul>
 * A majority register over {@code n} of them sends the same {@link org.diskpaxos.activedisk.AgentRequest} to
 * each and counts replies on its loop:
 * <pre>
 *   for (AgentConnection agent : agents) {
 *       agent.send(new AgentRequest.RrRead(resource, instance, rank), timeoutNs, reply -&gt; {
 *           if (reply instanceof AgentReply.RrReadResult r) { ... r.previousR(), r.w(), r.value() ... }
 *           else { ... Error or Unavailable: this agent did not answer ... }
 *       });
 *   }
 * </pre>
 * Ranks are {@link org.diskpaxos.activedisk.AgentRank}: {@code (round, idHigh, idLow)}, the wire form of the
 * paxos module's {@code Rank}.
 *
 * <h2>What an agent holds, and why one R per resource is safe</h2>
 * Per resource: one read rank {@code R}, and a window of the newest K instances, each with {@code (W_i, V_i)}.
 * {@code rrRead(res, i, r)} raises the resource's R and returns {@code (old R, W_i, V_i)};
 * {@code rrReadFrom(res, j, r)} raises R and returns every kept instance {@code >= j} that has a value (the fast
 * path's "one read fences all later instances", algorithms.md §2.7); {@code rrWrite(res, i, r, v)} commits iff
 * {@code R <= r && W_i < r}, or if {@code W_i == r} with the same value (a retry). A shared R is the per-instance
 * R of the paper raised further: for every instance it is at least what the paper's object would hold. So every
 * write that commits here would also commit there, and a read of rank {@code r} still leaves every instance's
 * effective R {@code >= r}, which is all the safety argument (a committed write is seen by every later
 * higher-ranked read, algorithms.md §2.5) uses. The only cost is liveness: a read on instance {@code i} can abort
 * a lower-ranked write on instance {@code j}, which is exactly what a new leader fencing all instances wants, and
 * an abort is always safe. Instances below the window answer {@code COMPACTED}: never a fake empty value.
 *
 * <h2>Modules of this package</h2>
 * {@code core}: the agent as a pure state machine (register functions, durability batching); {@code format}: the
 * device layout; {@code wire}: frames, MACs and message bodies; {@code server}: the NIO agent and
 * {@code dplock agent}; {@code sim}: the simulated agent and the {@code agent-io} workload; {@code inhost}: the
 * register file for one machine; {@code bench}: {@code dplock agent-bench}.
 *
 * <p>Glossary (the paper's names): <em>R</em>, the highest read rank; <em>W</em>, the rank of the stored value;
 * <em>V</em>, the value; <em>K</em>, instances kept per resource; <em>batch</em>, sector writes plus one sync;
 * <em>acknowledged</em>, sent in a reply (only ever after the batch holding it is synced).
 */
package org.diskpaxos.activedisk;
