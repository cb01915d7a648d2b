package org.diskpaxos.sim.disk;

/** A decorator whose fault is transient: after {@link #heal()} it injects nothing more. */
public interface Healable {
    void heal();
}
