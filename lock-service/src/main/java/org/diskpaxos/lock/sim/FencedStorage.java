package org.diskpaxos.lock.sim;

import org.diskpaxos.sim.Simulation;

/**
 * A resource's downstream storage that checks fencing tokens (Kleppmann): it accepts a write only if its token is
 * at least the highest it has accepted. Writes reach it through a channel with delay, so a holder that lost its
 * lease can have a write arrive after the next holder's — the case fencing exists for.
 */
final class FencedStorage {
    private final Simulation simulation;
    private final LeaseChecker checker;
    private final int resource;
    private long highestAccepted;
    private long accepted;
    private long rejected;

    FencedStorage(Simulation simulation, LeaseChecker checker, int resource) {
        this.simulation = simulation;
        this.checker = checker;
        this.resource = resource;
    }

    /** Sends a write carrying {@code token}; it arrives after {@code delayNs} of virtual time. */
    void send(long token, long delayNs) {
        simulation.scheduler().after(delayNs, () -> arrive(token));
    }

    private void arrive(long token) {
        if (token < highestAccepted) {
            rejected++;
            checker.staleWriteRejected(resource, token, highestAccepted);
            return;
        }
        checker.writeAccepted(resource, token, highestAccepted);
        highestAccepted = token;
        accepted++;
    }

    long accepted() {
        return accepted;
    }

    long rejected() {
        return rejected;
    }
}
