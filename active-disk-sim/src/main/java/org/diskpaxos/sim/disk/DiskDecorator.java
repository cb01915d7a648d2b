package org.diskpaxos.sim.disk;

import java.util.Objects;
import org.diskpaxos.sim.Prng;

/** Base of the fault decorators: the next stage, the disk's environment, and this decorator's own random stream. */
abstract class DiskDecorator implements DiskStage {
    protected final DiskStage next;
    protected final DiskEnv env;
    protected final Prng prng;

    DiskDecorator(String name, DiskStage next, DiskEnv env) {
        this.next = Objects.requireNonNull(next);
        this.env = Objects.requireNonNull(env);
        this.prng = env.prng().derive(name);
    }

    static void requireProbability(double p, String what) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be a probability in [0, 1], got " + p);
        }
    }

    int sectorSizeBytes() {
        return env.geometry().sectorSizeBytes();
    }
}
