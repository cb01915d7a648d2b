package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The watchdogs: when the daemon may pet a watchdog device (only while no holder can be running past its lease), the
 * systemd watchdog's period and ping rule, and a running daemon petting a device — a plain file here, since this
 * machine has no watchdog device — and disarming it with the magic close.
 */
class WatchdogTest {

    @Test
    void theRulePetsOnlyWhileHoldersAreSafe() {
        var onTime = new WatchdogRule.LockspaceHealth("a", true, 3, 0);
        var lateEmpty = new WatchdogRule.LockspaceHealth("b", false, 0, 0);
        var lateHeld = new WatchdogRule.LockspaceHealth("c", false, 1, 0);
        var fencing = new WatchdogRule.LockspaceHealth("d", true, 0, 2);
        assertTrue(WatchdogRule.shouldPet(List.of(onTime, lateEmpty)));
        assertFalse(WatchdogRule.shouldPet(List.of(onTime, lateHeld)));
        assertEquals("d", WatchdogRule.firstUnsafe(List.of(onTime, fencing)).name());
        assertTrue(WatchdogRule.shouldPet(List.of()));
    }

    @Test
    void systemdsWatchdogComesFromTheEnvironment() {
        SystemdWatchdog w = SystemdWatchdog.fromEnvironment(Map.of("WATCHDOG_USEC", "2000000"), 42);
        assertNotNull(w);
        assertEquals(1_000_000_000L, w.pingEveryNs());
        assertNull(SystemdWatchdog.fromEnvironment(Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "7"), 42),
                "a watchdog meant for another process");
        assertNotNull(SystemdWatchdog.fromEnvironment(Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "42"), 42));
        assertNull(SystemdWatchdog.fromEnvironment(Map.of(), 42));
        assertNull(SystemdWatchdog.fromEnvironment(Map.of("WATCHDOG_USEC", "soon"), 42));
        long now = 10_000_000_000L;
        assertTrue(w.due(now, now - 1_000_000_000L, now - 10_000_000L));
        assertFalse(w.due(now, now - 500_000_000L, now - 10_000_000L), "pinged half a period ago");
        assertFalse(w.due(now, now - 2_000_000_000L, now - 1_500_000_000L), "the socket loop is stuck");
    }

    @Test
    void aRunningDaemonPetsTheDeviceAndDisarmsItOnStop() throws Exception {
        try (DaemonFixture fx = new DaemonFixture("wd")) {
            Path device = fx.disks.dir.resolve("fake-watchdog");
            Files.createFile(device);
            Properties p = fx.properties(1);
            p.setProperty("watchdog_device", device.toString());
            LockDaemon d = fx.start(p);
            Thread.sleep(1000);
            long pets = Files.size(device);
            // One pet every max(100 ms, io/4): about 10 in a second; allow for a loaded machine.
            assertTrue(pets >= 4 && pets <= 12, pets + " pets in 1 s");
            assertTrue(d.metrics().render().contains("dplock_watchdog_pets_total " + pets)
                    || d.metrics().render().contains("dplock_watchdog_pets_total " + (pets + 1)), d.metrics().render());
            d.close();
            byte[] written = Files.readAllBytes(device);
            assertEquals('V', written[written.length - 1], "no magic close on a clean stop");
        }
    }

    @Test
    void aWatchdogDeviceThatCannotBeOpenedIsNamed() throws Exception {
        try (DaemonFixture fx = new DaemonFixture("wd2")) {
            Properties p = fx.properties(1);
            p.setProperty("watchdog_device", fx.disks.dir.resolve("no/such/dir/watchdog").toString());
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> fx.start(p));
            assertTrue(e.getMessage().contains("watchdog_device") && e.getMessage().contains("no/such/dir"),
                    e.getMessage());
        }
    }
}
