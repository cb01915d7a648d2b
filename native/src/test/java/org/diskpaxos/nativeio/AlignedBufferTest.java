package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Aligned buffers start on the requested boundary, hold exactly their capacity of zeroes, and refuse use after close. */
class AlignedBufferTest {

    @Test
    void everyBufferIsAlignedZeroedAndExactlySized() {
        qt().withExamples(300).withFixedSeed(20240501L)
                .forAll(integers().between(1, 1 << 20), integers().between(0, 16))
                .checkAssert((capacity, alignmentLog2) -> {
                    int alignment = 1 << alignmentLog2;
                    try (AlignedBuffer a = AlignedBuffer.allocate(capacity, alignment)) {
                        ByteBuffer b = a.buffer();
                        assertTrue(b.isDirect());
                        assertEquals(capacity, b.capacity());
                        assertEquals(0, b.position());
                        assertEquals(capacity, b.limit());
                        assertEquals(0, b.alignmentOffset(0, alignment), "address not aligned to " + alignment);
                        assertEquals(0, DirectBuffers.addressAtPosition(b) % alignment);
                        assertEquals(0, b.get(0));
                        assertEquals(0, b.get(capacity - 1));
                        b.put(capacity - 1, (byte) 1);
                        assertEquals(1, b.get(capacity - 1));
                    }
                });
    }

    @Test
    void addressAtPositionMovesWithThePosition() {
        try (AlignedBuffer a = AlignedBuffer.allocate(4096, 4096)) {
            long base = DirectBuffers.addressAtPosition(a.buffer());
            assertEquals(base + 100, DirectBuffers.addressAtPosition(a.buffer().duplicate().position(100)));
        }
        assertThrows(IllegalArgumentException.class, () -> DirectBuffers.addressAtPosition(ByteBuffer.allocate(8)));
    }

    @Test
    void closedBufferIsNotHandedOutAgain() {
        AlignedBuffer a = AlignedBuffer.allocate(512, 512);
        a.close();
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::buffer);
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void limitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(0, 512));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(AlignedBuffer.MAX_CAPACITY_BYTES + 1, 512));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(512, 768));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(512, 0));
        assertThrows(IllegalArgumentException.class, () -> AlignedBuffer.allocate(512, AlignedBuffer.MAX_ALIGNMENT_BYTES * 2));
    }
}
