package org.diskpaxos.sim.disk;

/** How a stage finished a request: OK, or failed with a reason that names the fault. */
public record DiskOutcome(boolean ok, String failure) {
    public static final DiskOutcome OK = new DiskOutcome(true, null);

    public static DiskOutcome failed(String reason) {
        return new DiskOutcome(false, reason);
    }
}
