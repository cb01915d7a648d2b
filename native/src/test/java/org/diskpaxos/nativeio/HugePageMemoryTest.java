package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Huge-page buffers are direct, 2 MiB aligned, zeroed, exactly sized, usable end to end, and unmapped when garbage. */
class HugePageMemoryTest {

    @Test
    void buffersAreAlignedZeroedExactlySizedAndWritable() throws Exception {
        for (int capacity : new int[] {1, 4096, 1_024_000, HugePageMemory.HUGE_PAGE_BYTES,
                HugePageMemory.HUGE_PAGE_BYTES + 1, 5 << 20}) {
            ByteBuffer b = HugePageMemory.allocate(capacity);
            assertTrue(b.isDirect());
            assertEquals(capacity, b.capacity());
            assertEquals(0, b.position());
            assertEquals(capacity, b.limit());
            assertEquals(0, DirectBuffers.addressAtPosition(b) % HugePageMemory.HUGE_PAGE_BYTES, "capacity " + capacity);
            for (int i = 0; i < capacity; i += 4093) {
                assertEquals(0, b.get(i), "zeroed at " + i);
                b.put(i, (byte) (i * 31));
            }
            b.put(capacity - 1, (byte) 7);
            for (int i = 0; i < capacity - 1; i += 4093) {
                assertEquals((byte) (i * 31), b.get(i));
            }
            assertEquals(7, b.get(capacity - 1));
        }
    }

    @Test
    void aBufferThatIsGarbageIsUnmapped() throws Exception {
        collectAll(); // buffers of the other tests in this JVM
        assertEquals(0, HugePageMemory.mappedBytes());
        ByteBuffer b = HugePageMemory.allocate(1 << 20);
        b.put(0, (byte) 1);
        assertEquals(2L * HugePageMemory.HUGE_PAGE_BYTES, HugePageMemory.mappedBytes(),
                "one huge page for the buffer, one of slack for the alignment");
        ByteBuffer view = b.slice(4096, 4096);
        b = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(2L * HugePageMemory.HUGE_PAGE_BYTES, HugePageMemory.mappedBytes(), "a view keeps it mapped");
        view.put(0, (byte) 2);
        view = null;
        collectAll();
        assertEquals(0, HugePageMemory.mappedBytes(), "the cleaner unmapped it");
    }

    /** Collects garbage until no huge-page buffer is mapped, or for a few seconds. */
    private static void collectAll() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (HugePageMemory.mappedBytes() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
    }

    @Test
    void limitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> HugePageMemory.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> HugePageMemory.allocate(HugePageMemory.MAX_CAPACITY_BYTES + 1));
    }
}
