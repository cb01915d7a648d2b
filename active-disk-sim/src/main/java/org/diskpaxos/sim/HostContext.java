package org.diskpaxos.sim;

import java.util.List;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.net.NetEndpoint;

/**
 * What one incarnation of a simulated host hands to the code it runs: the same interfaces a production driver
 * gets (an {@link EventLoop} and one {@link AsyncBlockDevice} per disk), plus a network endpoint and a random
 * stream of its own. A restart makes a new context; the old one's loop is dead.
 *
 * @param disks    one view per disk, in disk order, delivering on {@code loop}
 * @param endpoint this host's network endpoint (bind it to {@code loop} to receive)
 * @param prng     derived from the seed, the host index and the incarnation
 */
public record HostContext(int hostIndex, int incarnation, EventLoop loop, List<AsyncBlockDevice> disks,
        NetEndpoint endpoint, Prng prng) {

    public HostContext {
        disks = List.copyOf(disks);
    }
}
