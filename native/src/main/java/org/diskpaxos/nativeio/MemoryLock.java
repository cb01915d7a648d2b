package org.diskpaxos.nativeio;

import com.sun.jna.LastErrorException;
import java.util.Set;

/**
 * {@code mlockall}/{@code munlockall}: keep the process's memory in RAM so the lease renewal path never waits for
 * a page-in (sanlock's {@code -h 1}). Needs {@code CAP_IPC_LOCK} or a large enough {@code RLIMIT_MEMLOCK}
 * ({@code LimitMEMLOCK=infinity} in a systemd unit); without them it fails with ENOMEM or EPERM.
 */
public final class MemoryLock {

    /** The {@code mlockall} flags. */
    public enum Flag {
        /** {@code MCL_CURRENT}: lock every page mapped now. */
        CURRENT(1),
        /** {@code MCL_FUTURE}: lock every page mapped from now on. */
        FUTURE(2),
        /** {@code MCL_ONFAULT}: lock pages as they are touched rather than faulting them all in at once. */
        ON_FAULT(4);

        final int bits;

        Flag(int bits) {
            this.bits = bits;
        }
    }

    private MemoryLock() {
    }

    /**
     * Calls {@code mlockall} with the given flags. An empty set or {@code ON_FAULT} alone is refused by the kernel
     * with EINVAL.
     */
    public static void lockAll(Set<Flag> flags) throws NativeIoException {
        int bits = 0;
        for (Flag f : flags) {
            bits |= f.bits;
        }
        LibC.load();
        try {
            LibC.mlockall(bits);
        } catch (LastErrorException e) {
            String hint = e.getErrorCode() == Errno.ENOMEM || e.getErrorCode() == Errno.EPERM
                    ? "(flags " + flags + "; raise RLIMIT_MEMLOCK, e.g. LimitMEMLOCK=infinity, or grant CAP_IPC_LOCK)"
                    : "(flags " + flags + ")";
            throw NativeIoException.of("mlockall", null, hint, e);
        }
    }

    /** Calls {@code munlockall}: undoes {@link #lockAll}. */
    public static void unlockAll() throws NativeIoException {
        LibC.load();
        try {
            LibC.munlockall();
        } catch (LastErrorException e) {
            throw NativeIoException.of("munlockall", null, null, e);
        }
    }
}
