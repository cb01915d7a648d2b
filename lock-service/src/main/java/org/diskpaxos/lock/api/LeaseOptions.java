package org.diskpaxos.lock.api;

import java.util.Objects;

/**
 * How to acquire a lease.
 *
 * @param mode   exclusive or shared
 * @param onLoss what to do, beyond completing {@link Lease#lost()}, when the lease is lost while held
 */
public record LeaseOptions(LeaseMode mode, OnLoss onLoss) {

    /** What happens when a held lease is lost. */
    public enum OnLoss {
        /** Complete {@link Lease#lost()} and fail {@link Lease#checkValid()}; the application reacts. */
        NOTIFY,
        /** Also halt the JVM ({@code Runtime.halt}) at once: for processes that cannot stop their own work. */
        HALT_JVM
    }

    /** One holder at a time; notify on loss. */
    public static final LeaseOptions EXCLUSIVE = new LeaseOptions(LeaseMode.EXCLUSIVE, OnLoss.NOTIFY);
    /** Any number of shared holders, no exclusive one meanwhile; notify on loss. */
    public static final LeaseOptions SHARED = new LeaseOptions(LeaseMode.SHARED, OnLoss.NOTIFY);

    /** @throws NullPointerException if either argument is null */
    public LeaseOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(onLoss, "onLoss");
    }

    /** These options with {@link OnLoss#HALT_JVM}: the JVM halts as soon as the lease is lost while held. */
    public LeaseOptions haltOnLoss() {
        return new LeaseOptions(mode, OnLoss.HALT_JVM);
    }
}
