package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify delivers exactly the given datagram to path and abstract sockets, and sends nothing when unset. */
class SystemdNotifyTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void deliversToAPathSocket() throws Exception {
        String path = dir.resolve("notify.sock").toString();
        try (TestSockets receiver = new TestSockets(path)) {
            assertNull(receiver.receiveNow());
            assertTrue(SystemdNotify.notify(path, "READY=1\nSTATUS=serving 3 lockspaces"));
            assertEquals("READY=1\nSTATUS=serving 3 lockspaces", receiver.receiveNow());
            assertNull(receiver.receiveNow(), "exactly one datagram");
        }
    }

    @Test
    void deliversToAnAbstractSocket() throws Exception {
        String name = "@dplock-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (TestSockets receiver = new TestSockets(name)) {
            assertTrue(SystemdNotify.notify(name, "WATCHDOG=1"));
            assertEquals("WATCHDOG=1", receiver.receiveNow());
        }
    }

    @Test
    void unsetSocketSendsNothing() throws Exception {
        assertFalse(SystemdNotify.notify(null, "READY=1"));
        assertFalse(SystemdNotify.notify("", "READY=1"));
        if (System.getenv(SystemdNotify.NOTIFY_SOCKET) == null) {
            assertFalse(SystemdNotify.notify("READY=1"));
        }
    }

    @Test
    void noListenerIsANamedError() {
        String path = dir.resolve("nobody-listens.sock").toString();
        NativeIoException e = assertThrows(NativeIoException.class, () -> SystemdNotify.notify(path, "READY=1"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("sendto", e.syscall());
        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @Test
    void limitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> SystemdNotify.notify("/" + "x".repeat(120), "READY=1"));
        assertThrows(IllegalArgumentException.class, () -> SystemdNotify.notify("@x", ""));
        assertThrows(IllegalArgumentException.class,
                () -> SystemdNotify.notify("@x", "S".repeat(SystemdNotify.MAX_MESSAGE_BYTES + 1)));
    }
}
