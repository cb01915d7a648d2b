package org.diskpaxos.sim.check;

import java.util.List;
import org.diskpaxos.sim.host.SimHost;

/**
 * Virtual time never goes backwards, and neither does any host's monotonic clock: checked after every event, so a
 * scheduler or clock bug shows up at the event that caused it.
 */
public final class VirtualTimeChecker implements Checker {
    private final List<SimHost> hosts;
    private final long[] lastHostNs;
    private long lastNowNs = Long.MIN_VALUE;

    public VirtualTimeChecker(List<SimHost> hosts) {
        this.hosts = List.copyOf(hosts);
        this.lastHostNs = new long[hosts.size()];
        java.util.Arrays.fill(lastHostNs, Long.MIN_VALUE);
    }

    @Override
    public String name() {
        return "virtual-time";
    }

    @Override
    public void afterEvent(CheckContext context) {
        long now = context.nowNs();
        if (now < lastNowNs) {
            context.fail(name(), "virtual time went back from " + lastNowNs + " to " + now + " ns");
        }
        lastNowNs = now;
        for (int i = 0; i < lastHostNs.length; i++) {
            long hostNs = hosts.get(i).clockNs();
            if (hostNs < lastHostNs[i]) {
                context.fail(name(), "host " + i + "'s monotonic clock went back from " + lastHostNs[i] + " to "
                        + hostNs + " ns");
            }
            lastHostNs[i] = hostNs;
        }
    }
}
