package org.diskpaxos.sim.time;

import java.util.Arrays;

/**
 * A binary min-heap of {@link HeapNode}s ordered by (key, seq), with O(log n) removal of any node. Used for the
 * global event queue and for each host's task queue, so cancelled timers leave at once and the queues stay as
 * small as the live work. Keys and sequence numbers are kept in arrays beside the nodes, so sifting compares
 * without touching the nodes. Deterministic: order depends only on keys and sequence numbers.
 *
 * @param <T> node type
 */
public final class IndexedHeap<T extends HeapNode> {
    private final int capacityMax;
    private HeapNode[] nodes = new HeapNode[64];
    private long[] keys = new long[64];
    private long[] seqs = new long[64];
    private int size;

    /** A heap that refuses to grow beyond {@code capacityMax} nodes. */
    public IndexedHeap(int capacityMax) {
        this.capacityMax = capacityMax;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void add(T node) {
        if (node.heapIndex >= 0) {
            throw new IllegalStateException("node is already queued");
        }
        if (size == nodes.length) {
            grow();
        }
        place(size, node, node.key, node.seq);
        size++;
        siftUp(size - 1);
    }

    private void grow() {
        if (size >= capacityMax) {
            throw new IllegalStateException("queue is full: " + capacityMax + " entries");
        }
        int capacity = (int) Math.min(capacityMax, (long) size * 2);
        nodes = Arrays.copyOf(nodes, capacity);
        keys = Arrays.copyOf(keys, capacity);
        seqs = Arrays.copyOf(seqs, capacity);
    }

    @SuppressWarnings("unchecked")
    public T peek() {
        return size == 0 ? null : (T) nodes[0];
    }

    public T poll() {
        T head = peek();
        if (head != null) {
            removeAt(0);
        }
        return head;
    }

    /** Removes {@code node} if it is queued here; returns whether it was. */
    public boolean remove(T node) {
        int i = node.heapIndex;
        if (i < 0 || i >= size || nodes[i] != node) {
            return false;
        }
        removeAt(i);
        return true;
    }

    public void clear() {
        for (int i = 0; i < size; i++) {
            nodes[i].heapIndex = -1;
            nodes[i] = null;
        }
        size = 0;
    }

    private void place(int i, HeapNode node, long key, long seq) {
        nodes[i] = node;
        keys[i] = key;
        seqs[i] = seq;
        node.heapIndex = i;
    }

    private boolean before(int a, int b) {
        return keys[a] < keys[b] || (keys[a] == keys[b] && seqs[a] < seqs[b]);
    }

    private void removeAt(int i) {
        HeapNode removed = nodes[i];
        removed.heapIndex = -1;
        size--;
        if (i == size) {
            nodes[size] = null;
            return;
        }
        HeapNode last = nodes[size];
        place(i, last, keys[size], seqs[size]);
        nodes[size] = null;
        siftDown(i);
        if (nodes[i] == last) {
            siftUp(i);
        }
    }

    private void siftUp(int index) {
        int i = index;
        HeapNode node = nodes[i];
        long key = keys[i];
        long seq = seqs[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pk = keys[parent];
            if (key > pk || (key == pk && seq > seqs[parent])) {
                break;
            }
            place(i, nodes[parent], pk, seqs[parent]);
            i = parent;
        }
        place(i, node, key, seq);
    }

    private void siftDown(int index) {
        int i = index;
        HeapNode node = nodes[i];
        long key = keys[i];
        long seq = seqs[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(right, child)) {
                child = right;
            }
            long ck = keys[child];
            if (ck > key || (ck == key && seqs[child] > seq)) {
                break;
            }
            place(i, nodes[child], ck, seqs[child]);
            i = child;
        }
        place(i, node, key, seq);
    }
}
