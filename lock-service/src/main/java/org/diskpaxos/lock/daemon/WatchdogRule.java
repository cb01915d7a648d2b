package org.diskpaxos.lock.daemon;

import java.util.List;

/**
 * When the daemon may pet the hardware watchdog: only while no lease holder on this host could be running past its
 * lease. A lockspace is fine if it renews on time (joined, no renewal overdue), or if nothing depends on it (no lease
 * held in it, and every holder stopped for a lost lease has exited). So a host whose storage fails but whose holders
 * all stop in time survives (sanlock's rule: "if all pids using the lockspace exit, the host survives"), and one
 * whose holders hang on is reset by the watchdog. A pure function, tested on its own.
 */
public final class WatchdogRule {

    /**
     * One lockspace as the rule sees it.
     *
     * @param renewingOnTime joined, and its last renewal is younger than the suspect threshold
     * @param leasesHeld     leases held in it for clients now
     * @param fencedAlive    processes stopped for a lease lost in it that have not exited yet
     */
    public record LockspaceHealth(String name, boolean renewingOnTime, int leasesHeld, int fencedAlive) {
    }

    private WatchdogRule() {
    }

    /** Whether to pet now. */
    public static boolean shouldPet(List<LockspaceHealth> lockspaces) {
        return firstUnsafe(lockspaces) == null;
    }

    /** The first lockspace that forbids petting, or null. */
    public static LockspaceHealth firstUnsafe(List<LockspaceHealth> lockspaces) {
        for (LockspaceHealth h : lockspaces) {
            if (h.fencedAlive() > 0 || !h.renewingOnTime() && h.leasesHeld() > 0) {
                return h;
            }
        }
        return null;
    }
}
