/**
 * The simulated network for active-disk traffic: addressed {@link org.diskpaxos.sim.net.NetEndpoint}s, per-link
 * {@link org.diskpaxos.sim.net.LinkFaults} (delay, loss, duplication, reordering) and partitions that cut both
 * ways until healed. Messages are delivered as tasks on the receiver's event loop; a dead loop drops them.
 */
package org.diskpaxos.sim.net;
