/**
 * The in-host variant of an active disk: the same register functions as the agent
 * ({@link org.diskpaxos.activedisk.core.ResourceRegisters}) executed directly on a memory-mapped file shared by
 * the processes of one machine, with no agent process. {@link org.diskpaxos.activedisk.inhost.InHostAgent} offers
 * it behind {@link org.diskpaxos.activedisk.AgentConnection}, so a register over {@code n} in-host files runs the
 * same code as one over {@code n} agents.
 *
 * <h2>How a read-modify-write stays atomic across processes</h2>
 * Each record (a resource's registers, or a CAS block) has a lock word, a control word and two copies of its
 * state. An operation:
 * <pre>
 *   1. CAS the lock word 0 → my token (pid, start time)          spin, then back off; steal only from a dead holder
 *   2. read the control word: generation g; the current copy is g &amp; 1; check its CRC and generation
 *   3. (durable mode) if the synced generation is below g: msync the record, then note g as synced
 *   4. apply the register function to the state
 *   5. if it changed: write the state into copy (g+1) &amp; 1; (durable) msync;
 *      store generation g+1 into the control word (ordered); (durable) msync; note g+1 as synced
 *   6. release: CAS the lock word my token → 0
 * </pre>
 * A process killed anywhere in this leaves the current copy intact: it only ever writes the spare copy before the
 * control word flips, and the control word is one aligned 8-byte store. The kernel does not release a CAS lock, so
 * a waiter that finds the lock held for a while asks whether the holder's process still exists (same pid and start
 * time, {@link java.lang.ProcessHandle}); if not, it takes the lock over with one CAS (the dead never write
 * again). A paused holder (SIGSTOP, GC) is alive: waiters time out and report the register unavailable, which a
 * majority register tolerates. Step 3 is what makes a reply safe to act on: a state another process wrote but
 * did not sync (it died first) is synced before anyone answers from it.
 *
 * <p>Mappings are coherent only within one host (and one PID namespace, for the liveness check): never put an
 * in-host file on shared storage for several hosts. Little-endian hosts only (the words are native-order).
 *
 * <p>Layout: see {@link org.diskpaxos.activedisk.inhost.InHostLayout}.
 */
package org.diskpaxos.activedisk.inhost;
