/**
 * The deterministic simulator: hosts, shared disks and a network in virtual time, with faults drawn from one seed,
 * and checkers after every event. Protocol drivers run on it unchanged, through the same {@code EventLoop} and
 * {@code AsyncBlockDevice} interfaces they use in production.
 *
 * <h2>Running and reproducing a seed</h2>
 * <pre>
 *   ./dplock sim --protocol disk-io --seeds 100 --start 1         # 100 seeds, faults within tolerance
 *   ./dplock sim --protocol disk-io --seeds 100 --faults beyond   # beyond tolerance: safety only
 *   ./dplock sim --protocol disk-io --seed 42 --verbose           # one seed, with its fault plan and statistics
 *   ./dplock sim --protocol disk-io --seed 42 --trace             # ... and every event
 * </pre>
 * Each seed prints a line with its trace hash: the same seed and the same code give the same hash, event for
 * event. A failing seed prints the violation, the last events and the command that reproduces it, for example
 * {@code ./dplock sim --protocol disk-io --faults within --seed 42 --duration 300ms}; the exit code is 1. In JUnit,
 * a seed sweep is one dynamic test per seed ({@code SimSeeds}, used by {@code DiskIoSeedsTest}); one seed reruns
 * with {@code mvn -pl active-disk-sim -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DiskIoSeedsTest
 * -Dsim.seed=42}.
 *
 * <h2>Plugging a protocol in</h2>
 * Implement {@link org.diskpaxos.sim.Workload} (topology, tolerance, checkers, per-host start, liveness) and a
 * {@link org.diskpaxos.sim.WorkloadFactory}; add the factory to the {@code dplock sim} command's list. A run:
 * {@link org.diskpaxos.sim.SimRunner} draws a {@link org.diskpaxos.sim.fault.FaultPlan} from the seed, builds a
 * {@link org.diskpaxos.sim.Simulation}, calls {@code install}, starts every host (each start or restart calls
 * {@code onHostStart} with a fresh {@link org.diskpaxos.sim.HostContext}), runs to the plan's end checking every
 * {@link org.diskpaxos.sim.check.Checker} after every event, then, within tolerance, asks for progress.
 *
 * <h2>Glossary</h2>
 * <dl>
 *   <dt>virtual time</dt><dd>the scheduler's nanoseconds since the start of the run; also called true time</dd>
 *   <dt>host clock</dt><dd>a host's monotonic clock: true time with drift and forward steps</dd>
 *   <dt>incarnation</dt><dd>one life of a host between start or restart and crash; each has its own loop</dd>
 *   <dt>heal</dt><dd>the instant transient faults stop and the liveness phase begins</dd>
 *   <dt>within / beyond tolerance</dt><dd>whether the plan stays inside the protocol's
 *       {@link org.diskpaxos.sim.fault.ToleranceSpec}</dd>
 *   <dt>trace hash</dt><dd>a hash of every trace record of a run: equal runs have equal hashes</dd>
 * </dl>
 *
 * <p>Nothing here reads a real clock (except {@link org.diskpaxos.sim.WallClock}, for speed reports), starts a
 * thread, or uses {@code java.util.Random} or hash-ordered iteration; {@code DeterminismRulesTest} keeps it so.
 */
package org.diskpaxos.sim;
