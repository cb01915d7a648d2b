package org.diskpaxos.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.sim.Prng;
import org.diskpaxos.sim.disk.LatencyModel;
import org.diskpaxos.sim.host.HostClock;
import org.diskpaxos.sim.host.SimHost;
import org.diskpaxos.sim.time.EventTrace;
import org.diskpaxos.sim.time.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * The simulated network delivers on the receiver's loop after the link's delay; drops, duplicates and reorders
 * only as configured; a partition stops traffic both ways, including what is in flight, until it is healed; a
 * crashed receiver gets nothing and a restarted one gets what is sent after it binds again.
 */
class SimNetworkTest {
    private final Scheduler scheduler = new Scheduler(new EventTrace());
    private final List<SimHost> hosts = new ArrayList<>();
    private final List<String> received = new ArrayList<>();

    private SimNetwork network(LinkFaults link, long seed) {
        SimNetwork net = new SimNetwork(scheduler, new Prng(seed), 3, link);
        for (int i = 0; i < 3; i++) {
            SimHost h = new SimHost(i, scheduler, new HostClock(0, 0));
            h.start();
            hosts.add(h);
            int me = i;
            net.endpoint(i).bind(h.loop(), (from, payload) -> received.add(from + ">" + me + ":" + new String(payload)));
        }
        return net;
    }

    private void runUntil(long ns) {
        while (scheduler.runNext(ns)) {
            continue;
        }
        scheduler.advanceTo(Math.max(ns, scheduler.nowNs()));
    }

    @Test
    void deliversOnTheReceiversLoopAfterTheDelay() {
        SimNetwork net = network(LinkFaults.reliable(5_000), 1);
        net.endpoint(0).send(1, "hi".getBytes());
        assertTrue(received.isEmpty());
        runUntil(4_999);
        assertTrue(received.isEmpty());
        runUntil(5_000);
        assertEquals(List.of("0>1:hi"), received);
    }

    @Test
    void partitionStopsBothDirectionsIncludingInFlightUntilHealed() {
        SimNetwork net = network(LinkFaults.reliable(5_000), 2);
        net.endpoint(0).send(1, "in-flight".getBytes());
        runUntil(1_000);
        net.partition(0, 1);
        net.endpoint(0).send(1, "a".getBytes());
        net.endpoint(1).send(0, "b".getBytes());
        net.endpoint(0).send(2, "c".getBytes());
        runUntil(100_000);
        assertEquals(List.of("0>2:c"), received);
        net.heal(0, 1);
        net.endpoint(0).send(1, "d".getBytes());
        net.endpoint(1).send(0, "e".getBytes());
        runUntil(200_000);
        assertEquals(List.of("0>2:c", "0>1:d", "1>0:e"), received);
        assertEquals(3, net.droppedCount());
    }

    @Test
    void isolateCutsANodeFromEveryone() {
        SimNetwork net = network(LinkFaults.reliable(1_000), 3);
        net.isolate(2);
        net.endpoint(2).send(0, "x".getBytes());
        net.endpoint(1).send(2, "y".getBytes());
        net.endpoint(0).send(1, "z".getBytes());
        runUntil(10_000);
        assertEquals(List.of("0>1:z"), received);
        net.healAll();
        net.endpoint(2).send(0, "w".getBytes());
        runUntil(20_000);
        assertEquals(List.of("0>1:z", "2>0:w"), received);
    }

    @Test
    void dropAndDuplicateAsConfigured() {
        SimNetwork drop = network(new LinkFaults(LatencyModel.fixed(100), 1.0, 0, false), 4);
        drop.endpoint(0).send(1, "x".getBytes());
        runUntil(1_000);
        assertTrue(received.isEmpty());
        drop.stopLossAndDuplication();
        drop.endpoint(0).send(1, "y".getBytes());
        runUntil(2_000);
        assertEquals(List.of("0>1:y"), received);
        received.clear();
        drop.setLink(0, 1, new LinkFaults(LatencyModel.fixed(100), 0, 1.0, false));
        drop.endpoint(0).send(1, "d".getBytes());
        runUntil(3_000);
        assertEquals(List.of("0>1:d", "0>1:d"), received);
    }

    @Test
    void fifoUnlessTheLinkReorders() {
        qt().withExamples(50).withFixedSeed(8).forAll(longs().all()).check(seed -> {
            Scheduler s = new Scheduler(new EventTrace());
            SimHost h = new SimHost(1, s, new HostClock(0, 0));
            h.start();
            SimNetwork net = new SimNetwork(s, new Prng(seed), 2,
                    new LinkFaults(new LatencyModel(1_000, 50_000, 500_000), 0, 0, false));
            List<Integer> got = new ArrayList<>();
            net.endpoint(1).bind(h.loop(), (from, p) -> got.add((int) p[0]));
            for (int i = 0; i < 50; i++) {
                net.endpoint(0).send(1, new byte[] {(byte) i});
            }
            while (s.runNext(Long.MAX_VALUE)) {
                continue;
            }
            for (int i = 0; i < got.size(); i++) {
                if (got.get(i) != i) {
                    return false;
                }
            }
            return got.size() == 50;
        });
        SimNetwork net = network(new LinkFaults(new LatencyModel(1_000, 50_000, 500_000), 0, 0, true), 9);
        for (int i = 0; i < 50; i++) {
            net.endpoint(0).send(1, new byte[] {(byte) ('A' + i % 26)});
        }
        runUntil(10_000_000);
        assertEquals(50, received.size());
        assertTrue(!received.equals(sentOrder()), "a reordering link delivered in send order");
    }

    private static List<String> sentOrder() {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            order.add("0>1:" + (char) ('A' + i % 26));
        }
        return order;
    }

    @Test
    void crashedReceiverGetsNothingAndRebindsAfterRestart() {
        SimNetwork net = network(LinkFaults.reliable(1_000), 5);
        hosts.get(1).crash();
        net.endpoint(0).send(1, "lost".getBytes());
        runUntil(10_000);
        assertTrue(received.isEmpty());
        SimHost h = hosts.get(1);
        h.restart();
        net.endpoint(1).bind(h.loop(), (from, p) -> received.add("new:" + new String(p)));
        net.endpoint(0).send(1, "found".getBytes());
        runUntil(20_000);
        assertEquals(List.of("new:found"), received);
    }

    @Test
    void limitsAreEnforced() {
        SimNetwork net = network(LinkFaults.reliable(1), 6);
        assertThrows(IllegalArgumentException.class, () -> net.endpoint(0).send(1, new byte[SimNetwork.PAYLOAD_BYTES_MAX + 1]));
        assertThrows(IllegalArgumentException.class, () -> net.endpoint(0).send(3, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> new SimNetwork(scheduler, new Prng(1), 0, LinkFaults.reliable(1)));
    }
}
