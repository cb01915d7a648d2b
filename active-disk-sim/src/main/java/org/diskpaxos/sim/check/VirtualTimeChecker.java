package org.diskpaxos.sim.check;

/**
 * Virtual time never goes backwards: checked after every event, so a scheduler bug shows up at the event that
 * caused it. (Host clocks are checked at every reading, by {@code SimHost.clockNs()}, which refuses to return a
 * reading below the previous one; reading all of them after every event would cost a tenth of the run.)
 */
public final class VirtualTimeChecker implements Checker {
    private long lastNowNs = Long.MIN_VALUE;

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
    }
}
