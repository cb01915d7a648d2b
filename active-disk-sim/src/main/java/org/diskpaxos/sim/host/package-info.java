/**
 * Simulated hosts. A {@link org.diskpaxos.sim.host.SimHost} owns a {@link org.diskpaxos.sim.host.HostClock}
 * (monotonic, drifting, stepping forward, running through pauses) and, per incarnation, a
 * {@link org.diskpaxos.sim.host.HostEventLoop}: the {@code EventLoop} protocol drivers run on.
 *
 * <p>How host timers map to virtual time: a timer is due when the host clock reaches its deadline, so the loop
 * keeps tasks in host time and arms one scheduler event at the true instant the clock will reach the earliest
 * deadline under the current drift ({@link org.diskpaxos.sim.host.HostClock#trueNsWhen}); a drift change or a step
 * re-arms it. A paused host arms nothing: due tasks run, in deadline order, when it resumes. A crash kills the
 * loop: its queue and every later callback for it are dropped.
 */
package org.diskpaxos.sim.host;
