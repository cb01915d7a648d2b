/**
 * Fault plans. A {@link org.diskpaxos.sim.fault.ToleranceSpec} says what a protocol claims to survive (faulty disks,
 * faulty hosts per group, timing bounds); the {@link org.diskpaxos.sim.fault.FaultPlanner} draws from the seed a
 * {@link org.diskpaxos.sim.fault.FaultPlan} within or beyond it (swarm testing: kinds and rates are drawn too); the
 * {@link org.diskpaxos.sim.fault.Nemesis} applies it in virtual time and heals transient faults at the heal time,
 * after which a run within tolerance must make progress (TigerBeetle's liveness mode).
 *
 * <p>Glossary: <em>faulty</em> component, one counted against the spec (it may corrupt data or stay broken after
 * the heal); <em>window</em>, a fault with a start and an end; <em>swarm profile</em>, calm (latency only), light or
 * heavy.
 */
package org.diskpaxos.sim.fault;
