package org.diskpaxos.sim.net;

import java.util.Objects;
import org.diskpaxos.blockdev.async.EventLoop;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.host.HostEventLoop;
import org.diskpaxos.sim.time.Scheduler;
import org.diskpaxos.sim.time.TraceKind;

/**
 * A simulated network between {@code nodeCount} addresses, for active-disk traffic: each directed link has its
 * {@link LinkFaults} (delay, loss, duplication, reordering) and can be cut. Messages are delivered as tasks on the
 * receiver's event loop.
 *
 * <p>A cut link drops what is sent on it and what is in flight on it when it would be delivered; a partition cuts
 * both directions; healing restores the link. Unless a link reorders, deliveries on it keep send order.
 *
 * <p>Limits: {@link #PAYLOAD_BYTES_MAX} per message, {@link #IN_FLIGHT_MAX} messages in flight (more are dropped
 * and counted).
 */
public final class SimNetwork {
    public static final int NODES_MAX = 1024;
    public static final int PAYLOAD_BYTES_MAX = 1 << 20;
    public static final int IN_FLIGHT_MAX = 100_000;

    private final Scheduler scheduler;
    private final Prng prng;
    private final int nodeCount;
    private final NetEndpoint[] endpoints;
    private final LinkFaults[] links;
    private final boolean[] cut;
    private final long[] lastDeliveryNs;
    private int inFlightCount;
    private long sentCount;
    private long deliveredCount;
    private long droppedCount;
    private long duplicatedCount;

    public SimNetwork(Scheduler scheduler, Prng prng, int nodeCount, LinkFaults defaultLink) {
        if (nodeCount < 1 || nodeCount > NODES_MAX) {
            throw new IllegalArgumentException("node count must be in [1, " + NODES_MAX + "], got " + nodeCount);
        }
        this.scheduler = Objects.requireNonNull(scheduler);
        this.prng = prng;
        this.nodeCount = nodeCount;
        this.endpoints = new NetEndpoint[nodeCount];
        this.links = new LinkFaults[nodeCount * nodeCount];
        this.cut = new boolean[nodeCount * nodeCount];
        this.lastDeliveryNs = new long[nodeCount * nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            endpoints[i] = new NetEndpoint(this, i);
        }
        java.util.Arrays.fill(links, Objects.requireNonNull(defaultLink));
    }

    public NetEndpoint endpoint(int address) {
        checkAddress(address);
        return endpoints[address];
    }

    public int nodeCount() {
        return nodeCount;
    }

    public void setLink(int source, int target, LinkFaults faults) {
        links[link(source, target)] = Objects.requireNonNull(faults);
    }

    public LinkFaults linkFaults(int source, int target) {
        return links[link(source, target)];
    }

    /** Cuts both directions between {@code a} and {@code b}. */
    public void partition(int a, int b) {
        setCut(a, b, true);
        setCut(b, a, true);
    }

    /** Cuts one direction only. */
    public void cutOneWay(int source, int target) {
        setCut(source, target, true);
    }

    /** Cuts {@code node} from every other node, both ways. */
    public void isolate(int node) {
        for (int other = 0; other < nodeCount; other++) {
            if (other != node) {
                partition(node, other);
            }
        }
    }

    /** Restores both directions between {@code a} and {@code b}. */
    public void heal(int a, int b) {
        setCut(a, b, false);
        setCut(b, a, false);
    }

    /** Restores every link, and stops loss and duplication on all of them. */
    public void healAll() {
        for (int s = 0; s < nodeCount; s++) {
            for (int t = 0; t < nodeCount; t++) {
                if (cut[link(s, t)]) {
                    setCut(s, t, false);
                }
            }
        }
        stopLossAndDuplication();
    }

    /** Stops loss and duplication on every link; cut links stay cut. */
    public void stopLossAndDuplication() {
        for (int l = 0; l < links.length; l++) {
            links[l] = links[l].healed();
        }
    }

    public boolean isCut(int source, int target) {
        return cut[link(source, target)];
    }

    private void setCut(int source, int target, boolean isCut) {
        cut[link(source, target)] = isCut;
        scheduler.trace().record(TraceKind.NET_CONTROL, scheduler.nowNs(), source, target, isCut ? 1 : 0);
    }

    void send(int source, int target, byte[] payload) {
        checkAddress(target);
        Objects.requireNonNull(payload, "payload");
        if (payload.length > PAYLOAD_BYTES_MAX) {
            throw new IllegalArgumentException("message of " + payload.length + " bytes exceeds the limit of "
                    + PAYLOAD_BYTES_MAX);
        }
        sentCount++;
        scheduler.trace().record(TraceKind.NET_SEND, scheduler.nowNs(), source, target, payload.length);
        int l = link(source, target);
        LinkFaults faults = links[l];
        if (cut[l] || prng.chance(faults.dropProbability())) {
            drop(source, target, cut[l] ? 1 : 2);
            return;
        }
        byte[] copy = payload.clone();
        schedule(source, target, copy, faults);
        if (prng.chance(faults.duplicateProbability())) {
            duplicatedCount++;
            schedule(source, target, copy.clone(), faults);
        }
    }

    private void schedule(int source, int target, byte[] payload, LinkFaults faults) {
        if (inFlightCount >= IN_FLIGHT_MAX) {
            drop(source, target, 3);
            return;
        }
        int l = link(source, target);
        long at = Scheduler.saturatedAdd(scheduler.nowNs(), faults.delay().sampleNs(prng));
        if (!faults.reorder()) {
            at = Math.max(at, lastDeliveryNs[l]);
            lastDeliveryNs[l] = at;
        }
        inFlightCount++;
        scheduler.at(at, () -> arrive(source, target, payload));
    }

    private void arrive(int source, int target, byte[] payload) {
        inFlightCount--;
        if (cut[link(source, target)]) {
            drop(source, target, 4);
            return;
        }
        NetEndpoint endpoint = endpoints[target];
        EventLoop loop = endpoint.loop();
        MessageHandler handler = endpoint.handler();
        if (loop == null || (loop instanceof HostEventLoop hostLoop && !hostLoop.isAlive())) {
            drop(source, target, 5);
            return;
        }
        deliveredCount++;
        scheduler.trace().record(TraceKind.NET_DELIVER, scheduler.nowNs(), source, target, payload.length);
        loop.execute(() -> handler.onMessage(source, payload));
    }

    private void drop(int source, int target, int why) {
        droppedCount++;
        scheduler.trace().record(TraceKind.NET_DROP, scheduler.nowNs(), source, target, why);
    }

    private int link(int source, int target) {
        checkAddress(source);
        checkAddress(target);
        return source * nodeCount + target;
    }

    private void checkAddress(int address) {
        if (address < 0 || address >= nodeCount) {
            throw new IllegalArgumentException("network address " + address + " outside [0, " + nodeCount + ")");
        }
    }

    public long sentCount() {
        return sentCount;
    }

    public long deliveredCount() {
        return deliveredCount;
    }

    public long droppedCount() {
        return droppedCount;
    }

    public long duplicatedCount() {
        return duplicatedCount;
    }

    public int inFlightCount() {
        return inFlightCount;
    }
}
