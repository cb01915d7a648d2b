package org.diskpaxos.sim.check;

import org.diskpaxos.sim.time.EventTrace;

/** A broken invariant: ends the run; the runner adds the seed and the command that reproduces it. */
public final class InvariantViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String checker;
    private final String detail;
    private final long timeNs;
    private final long eventCount;

    public InvariantViolation(String checker, String detail, long timeNs, long eventCount) {
        super("[" + checker + "] " + detail + " (at " + EventTrace.formatTime(timeNs) + ", event " + eventCount + ")");
        this.checker = checker;
        this.detail = detail;
        this.timeNs = timeNs;
        this.eventCount = eventCount;
    }

    public String checker() {
        return checker;
    }

    public String detail() {
        return detail;
    }

    public long timeNs() {
        return timeNs;
    }

    public long eventCount() {
        return eventCount;
    }
}
