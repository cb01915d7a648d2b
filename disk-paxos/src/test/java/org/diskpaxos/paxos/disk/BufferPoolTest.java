package org.diskpaxos.paxos.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.junit.jupiter.api.Test;

/** The pool hands back buffers of the size asked for, keeps a bounded number of each size, and never an owned one. */
class BufferPoolTest {

    @Test
    void aBufferGivenBackIsTakenAgainForItsSizeOnly() {
        BufferPool pool = new BufferPool();
        IoBuffer small = pool.take(512);
        IoBuffer large = pool.take(1_024_000);
        assertEquals(512, small.capacity());
        assertEquals(1_024_000, large.capacity());
        assertEquals(0, large.bytes().alignmentOffset(0, BufferPool.ALIGNMENT_BYTES));
        pool.give(small);
        pool.give(large);
        assertSame(large, pool.take(1_024_000));
        assertSame(small, pool.take(512));
        assertNotSame(small, pool.take(512), "the pool is empty again");
        assertEquals(3, pool.allocated());
    }

    @Test
    void atMostPooledMaxOfEachSizeAreKept() {
        BufferPool pool = new BufferPool();
        List<IoBuffer> small = new ArrayList<>();
        for (int i = 0; i < BufferPool.POOLED_MAX + 3; i++) {
            small.add(pool.take(512));
        }
        IoBuffer large = pool.take(8192);
        small.forEach(pool::give);
        pool.give(large);
        assertEquals(BufferPool.POOLED_MAX + 1, pool.freeCount(), "8 small ones and the large one");
        assertSame(large, pool.take(8192), "many small buffers do not push a large one out");
        for (int i = BufferPool.POOLED_MAX + 2; i >= 3; i--) {
            assertSame(small.get(i), pool.take(512), "the most recently given first; the oldest were dropped");
        }
        assertEquals(0, pool.freeCount());
    }

    @Test
    void aBufferAnIoStillOwnsIsRefused() {
        BufferPool pool = new BufferPool();
        IoBuffer b = pool.take(512);
        b.claim("disk0");
        assertThrows(IllegalStateException.class, () -> pool.give(b));
        b.release();
        pool.give(b);
        assertSame(b, pool.take(512));
    }
}
