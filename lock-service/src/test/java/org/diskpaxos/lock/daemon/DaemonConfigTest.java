package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's configuration: every bad or missing setting is refused with a message that names the key. */
class DaemonConfigTest {

    @TempDir
    Path dir;

    private static Properties good() {
        Properties p = new Properties();
        p.setProperty("host_id", "3");
        p.setProperty("socket", "/run/dplock/x.sock");
        p.setProperty("profile", "fast");
        p.setProperty("lockspace.vms.disks", "/dev/sdb /dev/sdc:1M /dev/sdd");
        return p;
    }

    private static String error(Properties p) {
        return assertThrows(DaemonConfig.ConfigException.class, () -> DaemonConfig.from(p)).getMessage();
    }

    @Test
    void aGoodConfigIsRead() throws Exception {
        Properties p = good();
        p.setProperty("mlock", "yes");
        p.setProperty("watchdog_device", "/dev/watchdog");
        p.setProperty("allowed_uids", "0, 1000");
        DaemonConfig c = DaemonConfig.from(p);
        assertEquals(3, c.hostId());
        assertEquals(LeaseTimeouts.FAST, c.timeouts());
        assertEquals(1024 * 1024, c.lockspaces().get(0).disks().get(1).baseOffsetBytes());
        assertTrue(c.mlock());
        assertEquals(Path.of("/dev/watchdog"), c.watchdogDevice());
        assertEquals(java.util.Set.of(0, 1000), c.allowedUids());
        Properties plain = good();
        DaemonConfig d = DaemonConfig.from(plain);
        assertTrue(!d.mlock() && d.watchdogDevice() == null);
        assertNull(d.metrics());
    }

    @Test
    void everyProblemNamesItsKey() {
        Properties p = good();
        p.remove("host_id");
        assertTrue(error(p).startsWith("host_id is required"), error(p));
        p = good();
        p.setProperty("host_id", "0");
        assertTrue(error(p).contains("host_id must be 1..2000, got 0"), error(p));
        p = good();
        p.setProperty("hostid", "3");
        assertTrue(error(p).contains("unknown setting 'hostid'") && error(p).contains("host_id"), error(p));
        p = good();
        p.setProperty("profile", "quick");
        assertTrue(error(p).contains("profile must be 'default' or 'fast', got 'quick'"), error(p));
        p = good();
        p.setProperty("io_timeout", "1s");
        assertTrue(error(p).contains("either profile or io_timeout"), error(p));
        p = good();
        p.remove("profile");
        p.setProperty("io_timeout", "5ms");
        assertTrue(error(p).startsWith("io_timeout:"), error(p));
        p = good();
        p.setProperty("lockspace.vms.disks", "/dev/sdb /dev/sdc");
        assertTrue(error(p).contains("lockspace.vms.disks: a lockspace needs 1, 3, 5 or 7 disks, got 2"), error(p));
        p = good();
        p.setProperty("lockspace.vms.align", "3M");
        assertTrue(error(p).contains("lockspace.vms.align"), error(p));
        p = good();
        p.setProperty("lockspace.vms.colour", "red");
        assertTrue(error(p).contains("unknown setting 'lockspace.vms.colour'"), error(p));
        p = good();
        p.setProperty("lockspace.vms.disks", "/dev/sdb:12Q");
        assertTrue(error(p).contains("lockspace.vms.disks: '12Q' is not a size"), error(p));
        p = good();
        p.setProperty("mlock", "sometimes");
        assertTrue(error(p).contains("mlock must be true or false"), error(p));
        p = good();
        p.setProperty("metrics", "9790");
        assertTrue(error(p).contains("metrics must be HOST:PORT"), error(p));
        p = good();
        p.remove("lockspace.vms.disks");
        assertTrue(error(p).startsWith("no lockspace configured"), error(p));
    }

    @Test
    void aMissingOrUnreadableFileIsNamed() throws Exception {
        Path missing = dir.resolve("nope.conf");
        String m = assertThrows(DaemonConfig.ConfigException.class, () -> DaemonConfig.load(missing)).getMessage();
        assertTrue(m.contains(missing.toString()) && m.contains("does not exist"), m);
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "host_id = \\u12\n");
        m = assertThrows(DaemonConfig.ConfigException.class, () -> DaemonConfig.load(bad)).getMessage();
        assertTrue(m.contains(bad.toString()), m);
    }

    @Test
    void theExampleConfigInPackagingIsValid() throws Exception {
        Path example = Path.of(System.getProperty("basedir", "."), "..", "packaging", "dplock.conf");
        DaemonConfig c = DaemonConfig.from(DaemonConfig.load(example));
        assertTrue(c.hostId() >= 1 && !c.lockspaces().isEmpty(), c.toString());
    }
}
