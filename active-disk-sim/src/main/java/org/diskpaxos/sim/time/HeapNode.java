package org.diskpaxos.sim.time;

/**
 * An entry of an {@link IndexedHeap}: ordered by {@code key}, then by {@code seq}; knows its own position so it
 * can be removed in O(log n) when cancelled, instead of lingering in the queue until its time.
 */
public abstract class HeapNode {
    long key;
    long seq;
    int heapIndex = -1;

    protected HeapNode(long key, long seq) {
        this.key = key;
        this.seq = seq;
    }

    /** The tie-breaking sequence number given when the node was created. */
    public final long seq() {
        return seq;
    }

    /** Whether the node is in a heap now. */
    public final boolean isQueued() {
        return heapIndex >= 0;
    }

    final boolean before(HeapNode other) {
        return key < other.key || (key == other.key && seq < other.seq);
    }
}
