package org.diskpaxos.sim.fault;

import java.util.Locale;

/** Whether a run's faults stay within what the protocol claims to survive. */
public enum Tolerance {
    /** Within the {@link ToleranceSpec}: safety must hold, and after the heal time the protocol must make progress. */
    WITHIN,
    /** At least one bound of the {@link ToleranceSpec} is exceeded: safety must still hold; progress is not demanded. */
    BEYOND;

    /** {@code within} or {@code beyond}, as typed on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Tolerance parse(String text) {
        for (Tolerance t : values()) {
            if (t.cliName().equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("faults must be 'within' or 'beyond', got '" + text + "'");
    }
}
