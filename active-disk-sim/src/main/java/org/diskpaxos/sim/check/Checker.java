package org.diskpaxos.sim.check;

/**
 * An invariant checked after every simulation event (Kafka's {@code Invariant}), and optionally a validation at
 * the end of the run. Protocol issues add their own (agreement, single holder, monotonic ranks) to the
 * simulation's {@link CheckerRegistry}. A checker observes; it must not change the simulation or draw randomness.
 */
public interface Checker {
    /** A short name, shown in failure reports. */
    String name();

    /** Called after every event; reports a broken invariant through {@link CheckContext#fail}. */
    void afterEvent(CheckContext context);

    /** Called once when the run reaches its end time. */
    default void atEnd(CheckContext context) {
    }
}
