package org.diskpaxos.blockdev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.blockdev.Fixtures.Fixture;
import org.diskpaxos.blockdev.Fixtures.Layout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every BlockDevice backend promises, run against each backend as a whole device and as a region
 * with guard bytes on both sides; after every test the guards must be intact, so nothing wrote past its area.
 */
abstract class BlockDeviceContract {
    protected final Layout layout;
    protected Fixture fixture;
    protected BlockDevice dev;

    BlockDeviceContract(Layout layout) {
        this.layout = layout;
    }

    /** Opens the device under test over a backing store filled with {@link Fixtures#pattern}. */
    protected abstract Fixture open(Layout layout) throws IOException;

    protected abstract int expectedSectorBytes();

    protected abstract boolean expectedShareable();

    /** Examples per property: fewer where each I/O is a synchronous disk write. */
    protected int examples() {
        return 40;
    }

    @BeforeEach
    void openDevice() throws IOException {
        fixture = open(layout);
        dev = fixture.device;
    }

    @AfterEach
    void checkGuardsAndClose() throws IOException {
        if (fixture != null) {
            try {
                fixture.checkGuards();
            } finally {
                fixture.close();
            }
        }
    }

    private int sector() {
        return dev.logicalSectorSizeBytes();
    }

    private static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] readBack(long offset, int length) throws IOException {
        ByteBuffer b = dev.allocateBuffer(length);
        dev.read(offset, b);
        byte[] out = new byte[length];
        b.flip().get(out);
        return out;
    }

    @Test
    void geometryIsConsistent() {
        assertEquals(Fixtures.AREA_BYTES, dev.sizeBytes());
        assertEquals(expectedSectorBytes(), dev.logicalSectorSizeBytes());
        assertTrue(dev.physicalSectorSizeBytes() >= sector()
                && dev.physicalSectorSizeBytes() % sector() == 0, "physical " + dev.physicalSectorSizeBytes());
        assertEquals(expectedShareable(), dev.isShareableAcrossHosts());
        assertTrue(!dev.name().isEmpty() && !dev.isReadOnly());
    }

    @Test
    void untouchedSectorsReadAsTheBackingPattern() throws IOException {
        byte[] got = readBack(0, Fixtures.AREA_BYTES);
        for (int i = 0; i < got.length; i++) {
            assertEquals(Fixtures.pattern(fixture.areaOffset() + i), got[i], "byte " + i);
        }
    }

    @Test
    void writesReadBackAndReachTheStorageExactlyWhereAddressed() throws IOException {
        int sectors = (int) (dev.sizeBytes() / sector());
        byte[] shadow = fixture.rawArea();
        qt().withExamples(examples()).withFixedSeed(7L)
                .forAll(integers().between(0, sectors - 1), integers().between(1, 16), integers().all())
                .checkAssert((firstSector, count, seed) -> {
                    int n = Math.min(count, sectors - firstSector);
                    long offset = (long) firstSector * sector();
                    byte[] data = randomBytes(seed, n * sector());
                    try {
                        ByteBuffer src = dev.allocateBuffer(data.length);
                        src.put(data).flip();
                        dev.write(offset, src);
                        assertEquals(data.length, src.position(), "write advances the position");
                        assertArrayEquals(data, readBack(offset, data.length));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    System.arraycopy(data, 0, shadow, (int) offset, data.length);
                });
        dev.sync();
        assertArrayEquals(shadow, fixture.rawArea(), "storage differs from the model of the writes");
    }

    @Test
    void heapAndMisalignedDirectBuffersWorkThroughTheBounceBuffer() throws IOException {
        byte[] data = randomBytes(11, 3 * sector());
        dev.write(sector(), ByteBuffer.wrap(data));
        assertArrayEquals(data, readBack(sector(), data.length));

        ByteBuffer odd = ByteBuffer.allocateDirect(data.length + 1).position(1);
        odd.put(randomBytes(12, data.length)).position(1);
        byte[] expected = randomBytes(12, data.length);
        dev.write(0, odd);
        assertEquals(data.length + 1, odd.position());
        ByteBuffer into = ByteBuffer.allocate(data.length + 5).position(5);
        dev.read(0, into);
        assertEquals(data.length + 5, into.position(), "read advances the position");
        byte[] got = new byte[data.length];
        into.position(5);
        into.get(got);
        assertArrayEquals(expected, got);
    }

    @Test
    void transfersLargerThanTheBounceBufferArriveWhole() throws IOException {
        int length = Fixtures.AREA_BYTES - 2 * sector();
        byte[] data = randomBytes(13, length);
        dev.write(sector(), ByteBuffer.wrap(data));
        ByteBuffer back = ByteBuffer.allocate(length);
        dev.read(sector(), back);
        assertArrayEquals(data, back.array());
        byte[] raw = fixture.rawArea();
        assertEquals(Fixtures.pattern(fixture.areaOffset()), raw[0], "sector before untouched");
        long last = Fixtures.AREA_BYTES - 1;
        assertEquals(Fixtures.pattern(fixture.areaOffset() + last), raw[(int) last], "sector after untouched");
    }

    @Test
    void misalignedOffsetIsRefusedAndWritesNothing() throws IOException {
        byte[] before = fixture.rawArea();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.write(100, ByteBuffer.allocate(sector())));
        assertTrue(e.getMessage().contains(dev.name()) && e.getMessage().contains("offset 100"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dev.read(sector() / 2, ByteBuffer.allocate(sector())));
        assertArrayEquals(before, fixture.rawArea());
    }

    @Test
    void misalignedLengthIsRefusedAndWritesNothing() throws IOException {
        byte[] before = fixture.rawArea();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.write(0, ByteBuffer.allocate(sector() + 100)));
        assertTrue(e.getMessage().contains(dev.name()) && e.getMessage().contains("sector size"), e.getMessage());
        if (sector() == 4096) {
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> dev.write(0, ByteBuffer.allocate(512)));
            assertTrue(small.getMessage().contains("512-byte I/O on a 4096-byte-sector device"), small.getMessage());
        }
        assertArrayEquals(before, fixture.rawArea());
    }

    @Test
    void ioPastTheEndIsRefusedAndWritesNothing() throws IOException {
        byte[] before = fixture.rawArea();
        long size = dev.sizeBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dev.write(size - sector(), ByteBuffer.allocate(2 * sector())));
        assertTrue(e.getMessage().contains("past the end") && e.getMessage().contains(dev.name()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dev.write(size, ByteBuffer.allocate(sector())));
        assertThrows(IllegalArgumentException.class, () -> dev.read(size, ByteBuffer.allocate(sector())));
        assertThrows(IllegalArgumentException.class, () -> dev.read(-sector(), ByteBuffer.allocate(sector())));
        assertThrows(IllegalArgumentException.class,
                () -> dev.write(Long.MAX_VALUE - Long.MAX_VALUE % sector(), ByteBuffer.allocate(sector())));
        assertArrayEquals(before, fixture.rawArea());
    }

    @Test
    void zeroLengthTransfersDoNothing() throws IOException {
        byte[] before = fixture.rawArea();
        dev.write(0, ByteBuffer.allocate(0));
        dev.read(dev.sizeBytes(), ByteBuffer.allocate(0));
        assertArrayEquals(before, fixture.rawArea());
    }

    @Test
    void threadsWritingDistinctSectorsDoNotInterfere() throws Exception {
        int threads = 4;
        int perThread = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long sectorIndex = (long) i * threads + thread;
                        ByteBuffer b = dev.allocateBuffer(sector());
                        b.put(randomBytes(sectorIndex, sector())).flip();
                        dev.write(sectorIndex * sector(), b);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (long s = 0; s < (long) threads * perThread; s++) {
            assertArrayEquals(randomBytes(s, sector()), readBack(s * sector(), sector()), "sector " + s);
        }
    }

    @Test
    void largeAllocatedBuffersOnHugePagesTransferLikeAnyOther() throws IOException {
        int length = Math.min(Fixtures.AREA_BYTES - 2 * sector(), 1 << 20) / sector() * sector();
        ByteBuffer large = dev.allocateBuffer(Math.max(length, BlockDevices.HUGE_PAGE_BUFFER_MIN_BYTES));
        byte[] data = randomBytes(17, length);
        large.put(0, data);
        dev.write(sector(), large.clear().limit(length));
        ByteBuffer back = ByteBuffer.allocate(length);
        dev.read(sector(), back);
        assertArrayEquals(data, back.array(), "written from the large buffer");
        ByteBuffer reread = dev.allocateBuffer(Math.max(length, BlockDevices.HUGE_PAGE_BUFFER_MIN_BYTES));
        dev.read(sector(), reread.clear().limit(length));
        byte[] got = new byte[length];
        reread.get(0, got);
        assertArrayEquals(data, got, "read into a large buffer");
    }

    @Test
    void allocatedBuffersHaveTheLengthAndAlignmentDirectIoNeeds() {
        ByteBuffer b = dev.allocateBuffer(3 * sector());
        assertEquals(3 * sector(), b.capacity());
        assertEquals(0, b.position());
        assertEquals(3 * sector(), b.limit());
        if (b.isDirect()) {
            assertEquals(0, b.alignmentOffset(0, sector()));
        }
    }

    @Test
    void afterCloseEveryCallFailsNamingTheDevice() throws IOException {
        dev.write(0, ByteBuffer.wrap(randomBytes(5, sector())));
        dev.sync();
        dev.close();
        dev.close();
        IOException e = assertThrows(IOException.class, () -> dev.read(0, ByteBuffer.allocate(sector())));
        assertTrue(e.getMessage().contains(dev.name()) && e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IOException.class, () -> dev.write(0, ByteBuffer.allocate(sector())));
        assertThrows(IOException.class, dev::sync);
        assertArrayEquals(randomBytes(5, sector()), java.util.Arrays.copyOf(fixture.rawArea(), sector()));
    }
}
