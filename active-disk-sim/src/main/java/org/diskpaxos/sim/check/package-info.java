/**
 * Invariant checking: {@link org.diskpaxos.sim.check.Checker}s run after every event from the simulation's
 * {@link org.diskpaxos.sim.check.CheckerRegistry}; a broken invariant is an
 * {@link org.diskpaxos.sim.check.InvariantViolation}, which ends the run and is reported with the seed and the
 * command that reproduces it. Protocol issues register their own (agreement, single holder, monotonic ranks) from
 * their workload's {@code install}.
 */
package org.diskpaxos.sim.check;
