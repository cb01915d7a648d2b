package org.diskpaxos.sim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The indexed heap agrees with a sorted set under any mix of adds, polls and removals, and respects its limit. */
class IndexedHeapTest {

    static final class Node extends HeapNode {
        Node(long key, long seq) {
            super(key, seq);
        }
    }

    private static final Comparator<Node> ORDER = Comparator.<Node>comparingLong(n -> n.key).thenComparingLong(n -> n.seq);

    @Test
    void agreesWithASortedSet() {
        qt().withExamples(300).withFixedSeed(5)
                .forAll(lists().of(integers().between(0, 99)).ofSizeBetween(0, 200))
                .check(ops -> {
                    IndexedHeap<Node> heap = new IndexedHeap<>(1_000);
                    TreeSet<Node> model = new TreeSet<>(ORDER);
                    List<Node> added = new ArrayList<>();
                    long seq = 0;
                    for (int op : ops) {
                        if (op < 50) {
                            Node n = new Node(op % 7, seq++);
                            heap.add(n);
                            model.add(n);
                            added.add(n);
                        } else if (op < 75) {
                            if (heap.poll() != model.pollFirst()) {
                                return false;
                            }
                        } else if (!added.isEmpty()) {
                            Node n = added.get(op % added.size());
                            if (heap.remove(n) != model.remove(n)) {
                                return false;
                            }
                        }
                        if (heap.size() != model.size() || heap.peek() != (model.isEmpty() ? null : model.first())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    @Test
    void refusesToGrowPastItsLimit() {
        IndexedHeap<Node> heap = new IndexedHeap<>(64);
        for (int i = 0; i < 64; i++) {
            heap.add(new Node(i, i));
        }
        assertThrows(IllegalStateException.class, () -> heap.add(new Node(0, 99)));
        Node queued = heap.peek();
        assertThrows(IllegalStateException.class, () -> heap.add(queued));
        heap.clear();
        assertFalse(queued.isQueued());
        assertEquals(0, heap.size());
    }
}
