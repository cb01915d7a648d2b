package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.diskpaxos.blockdev.loop.LoopDevice;

/** Test devices laid out as guard | area | guard on a backing store, with an independent way to read the raw bytes. */
final class Fixtures {
    static final int GUARD_BYTES = 64 * 1024;
    static final int AREA_BYTES = 1024 * 1024;

    private Fixtures() {
    }

    /** Whether the device under test is the whole backing store or a region with guard bytes on both sides. */
    enum Layout { WHOLE, REGION }

    /** The byte the backing store holds at {@code offset} before any test writes: never zero, varies by position. */
    static byte pattern(long offset) {
        return (byte) (0xA5 ^ (offset * 31 + (offset >>> 9)));
    }

    static byte[] patternBytes(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = pattern(i);
        }
        return b;
    }

    static int backingBytes(Layout layout) {
        return layout == Layout.WHOLE ? AREA_BYTES : GUARD_BYTES + AREA_BYTES + GUARD_BYTES;
    }

    static BlockDeviceOptions withLayout(BlockDeviceOptions o, Layout layout) {
        return layout == Layout.WHOLE ? o : o.withRegion(GUARD_BYTES, AREA_BYTES);
    }

    /** A device under test plus raw access to its backing store. */
    abstract static class Fixture implements AutoCloseable {
        final Layout layout;
        BlockDevice device;

        Fixture(Layout layout) {
            this.layout = layout;
        }

        /** All bytes of the backing store, read without going through {@link #device}. */
        abstract byte[] rawBacking() throws IOException;

        long areaOffset() {
            return layout == Layout.WHOLE ? 0 : GUARD_BYTES;
        }

        byte[] rawArea() throws IOException {
            byte[] all = rawBacking();
            byte[] area = new byte[AREA_BYTES];
            System.arraycopy(all, (int) areaOffset(), area, 0, AREA_BYTES);
            return area;
        }

        /** Fails when any guard byte differs from the pattern: something wrote past the area. */
        void checkGuards() throws IOException {
            if (layout == Layout.WHOLE) {
                return;
            }
            byte[] all = rawBacking();
            for (int i = 0; i < all.length; i++) {
                boolean inArea = i >= GUARD_BYTES && i < GUARD_BYTES + AREA_BYTES;
                if (!inArea && all[i] != pattern(i)) {
                    throw new AssertionError("guard byte at backing offset " + i + " was overwritten (area is ["
                            + GUARD_BYTES + ", " + (GUARD_BYTES + AREA_BYTES) + "))");
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (device != null) {
                device.close();
            }
        }
    }

    static final class MemoryFixture extends Fixture {
        private final MemoryBlockDevice backing;

        MemoryFixture(Layout layout, int sector) throws IOException {
            super(layout);
            backing = new MemoryBlockDevice("mem", backingBytes(layout), sector);
            backing.write(0, ByteBuffer.wrap(patternBytes(backingBytes(layout))));
            device = layout == Layout.WHOLE ? backing : BlockDevices.region(backing, GUARD_BYTES, AREA_BYTES);
        }

        @Override
        byte[] rawBacking() throws IOException {
            return backing.copyOfContents();
        }

        @Override
        public void close() throws IOException {
            super.close();
            backing.close();
        }
    }

    /** A file (direct or mapped backend) or a loop device over a file; raw reads go to the file. */
    static final class FileFixture extends Fixture {
        private final Path file;
        private final LoopDevice loop;

        FileFixture(Layout layout, Path dir, BlockDeviceOptions options, int loopSectorBytes) throws IOException {
            super(layout);
            file = dir.resolve("backing.img");
            Files.write(file, patternBytes(backingBytes(layout)));
            loop = loopSectorBytes == 0 ? null : LoopDevice.attach(file, loopSectorBytes, false);
            try {
                device = BlockDevices.open(loop == null ? file : loop.device(), withLayout(options, layout));
            } catch (IOException | RuntimeException e) {
                if (loop != null) {
                    loop.close();
                }
                throw e;
            }
        }

        Path path() {
            return loop == null ? file : loop.device();
        }

        @Override
        byte[] rawBacking() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate((int) ch.size());
                while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                    // keep reading
                }
                return b.array();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (loop != null) {
                    loop.close();
                }
            }
        }
    }
}
