package org.diskpaxos.sim.net;

import org.diskpaxos.sim.disk.LatencyModel;

/**
 * How one directed link misbehaves: its one-way delay, the chance a message is lost or delivered twice, and
 * whether messages may overtake each other (a datagram network) or stay in send order (a TCP connection).
 */
public record LinkFaults(LatencyModel delay, double dropProbability, double duplicateProbability, boolean reorder) {

    public LinkFaults {
        if (delay == null) {
            throw new IllegalArgumentException("delay is required");
        }
        if (!(dropProbability >= 0 && dropProbability <= 1 && duplicateProbability >= 0 && duplicateProbability <= 1)) {
            throw new IllegalArgumentException("drop and duplicate rates must be probabilities");
        }
    }

    /** A reliable, ordered link with a fixed delay. */
    public static LinkFaults reliable(long delayNs) {
        return new LinkFaults(LatencyModel.fixed(delayNs), 0, 0, false);
    }

    /** The same delay and ordering without loss or duplication (after the faults heal). */
    public LinkFaults healed() {
        return new LinkFaults(delay, 0, 0, reorder);
    }
}
