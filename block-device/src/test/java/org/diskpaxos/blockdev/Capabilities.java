package org.diskpaxos.blockdev;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code on a fresh thread whose effective capabilities lack CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that
 * root meets file permissions as an ordinary user would. Linux capabilities are per thread, so the rest of the
 * test JVM keeps its own.
 */
final class Capabilities {
    static {
        Native.register(Capabilities.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_DAC_OVERRIDE = 1;
    private static final int CAP_DAC_READ_SEARCH = 2;

    static native int capget(Pointer header, Pointer data) throws LastErrorException;

    static native int capset(Pointer header, Pointer data) throws LastErrorException;

    private Capabilities() {
    }

    static <T> T withoutDacOverride(Callable<T> body) throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Memory header = new Memory(8);
                header.setInt(0, LINUX_CAPABILITY_VERSION_3);
                header.setInt(4, 0);
                Memory data = new Memory(24);
                capget(header, data);
                int effective = data.getInt(0);
                data.setInt(0, effective & ~((1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH)));
                capset(header, data);
                outcome.set(new Object[] {body.call()});
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "no-dac-override");
        t.start();
        t.join();
        Object o = outcome.get();
        if (o instanceof Exception e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) ((Object[]) o)[0];
        return value;
    }
}
