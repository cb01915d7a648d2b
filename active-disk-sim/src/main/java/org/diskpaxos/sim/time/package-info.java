/**
 * Virtual time: the global {@link org.diskpaxos.sim.time.Scheduler} (an indexed heap of events on virtual
 * nanoseconds, ties broken by scheduling order) and the run's {@link org.diskpaxos.sim.time.EventTrace}, whose hash
 * identifies a run. Invariant: virtual time never decreases, and an event never runs after being cancelled.
 */
package org.diskpaxos.sim.time;
