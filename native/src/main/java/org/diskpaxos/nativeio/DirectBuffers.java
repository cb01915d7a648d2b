package org.diskpaxos.nativeio;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/** Native addresses of direct {@link ByteBuffer}s, for code that hands them to native memory copies. */
public final class DirectBuffers {

    private DirectBuffers() {
    }

    /**
     * The native address of {@code buffer}'s element at its current position.
     *
     * @throws IllegalArgumentException the buffer is not direct
     */
    public static long addressAtPosition(ByteBuffer buffer) {
        return Pointer.nativeValue(base(buffer)) + buffer.position();
    }

    static Pointer pointerAtPosition(ByteBuffer buffer) {
        return new Pointer(addressAtPosition(buffer));
    }

    private static Pointer base(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("native I/O needs a direct ByteBuffer, got a heap buffer");
        }
        LibC.load();
        return Native.getDirectBufferPointer(buffer);
    }
}
