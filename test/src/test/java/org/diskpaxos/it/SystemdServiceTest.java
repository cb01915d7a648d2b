package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.cluster.Launcher;
import org.diskpaxos.lock.cluster.LocalCluster;
import org.junit.jupiter.api.Test;

/**
 * The daemon as systemd runs it (packaging/dplock.service): with NOTIFY_SOCKET and WATCHDOG_USEC set it reports
 * READY=1 once joined, pings WATCHDOG=1 every half period while it runs and not while it is stopped (SIGSTOP: what
 * the watchdog is for), reports STOPPING=1 on SIGTERM and stops cleanly (exit 143, as any JVM after SIGTERM); with --mlock its pages are locked in RAM. Here
 * this test plays systemd's part with a datagram socket of its own.
 */
class SystemdServiceTest {

    @Test
    void notifyWatchdogAndMlockAsUnderSystemd() throws Exception {
        Path dir = ChaosTest.workDir("systemd");
        List<Path> disks = List.of(dir.resolve("a.img"));
        try (LocalCluster cluster = new LocalCluster(dir, "sd", disks, "fast", Launcher.current());
             NotifyReceiver systemd = new NotifyReceiver(dir.resolve("notify.sock"))) {
            cluster.format(4, 8L * 1024 * 1024);
            List<String> args = List.of("daemon", "--host-id", "1", "--socket", dir.resolve("d.sock").toString(),
                    "--profile", "fast", "--lockspace", "sd=" + disks.get(0), "--mlock");
            ProcessBuilder pb = new ProcessBuilder(Launcher.current().command(Launcher.DAEMON_FLAGS, args))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
            pb.environment().put("NOTIFY_SOCKET", dir.resolve("notify.sock").toString());
            pb.environment().put("WATCHDOG_USEC", "400000");
            Process daemon = pb.start();
            cluster.register(daemon);
            List<String> got = new ArrayList<>();
            assertTrue(await(systemd, got, "READY=1", 60_000), "no READY=1: " + got + " " + log(dir));
            assertTrue(got.stream().anyMatch(m -> m.contains("STATUS=serving 1 lockspaces")), got.toString());

            got.clear();
            Thread.sleep(1500);
            drain(systemd, got);
            long pings = got.stream().filter("WATCHDOG=1"::equals).count();
            assertTrue(pings >= 4 && pings <= 9, pings + " pings in 1.5 s with a 400 ms watchdog: " + got);

            String status = Files.readString(Path.of("/proc/" + daemon.pid() + "/status"));
            long lockedKb = Long.parseLong(status.lines().filter(l -> l.startsWith("VmLck:")).findFirst()
                    .orElseThrow().replaceAll("[^0-9]", ""));
            assertTrue(lockedKb > 0, "--mlock locked nothing: " + status);

            signal(daemon.pid(), "STOP");
            Thread.sleep(50);
            drain(systemd, new ArrayList<>()); // sent before it stopped
            got.clear();
            Thread.sleep(1000);
            drain(systemd, got);
            signal(daemon.pid(), "CONT");
            assertEquals(List.of(), got, "pinged while stopped");
            assertTrue(await(systemd, got, "WATCHDOG=1", 5000), "no ping after SIGCONT");

            daemon.destroy();
            assertTrue(daemon.waitFor(30, TimeUnit.SECONDS));
            // A JVM ends with 128 + 15 after SIGTERM, however cleanly: the unit says SuccessExitStatus=143.
            assertEquals(143, daemon.exitValue(), log(dir));
            assertTrue(Files.readString(dir.resolve("daemon.log")).contains("event=stopped"), log(dir));
            assertTrue(await(systemd, got, "STOPPING=1", 1000), got.toString());
        }
        ChaosTest.deleteImages(dir);
    }

    private static boolean await(NotifyReceiver r, List<String> got, String wanted, long ms) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < deadline) {
            String m = r.poll();
            if (m != null) {
                got.add(m);
                if (m.lines().anyMatch(wanted::equals)) {
                    return true;
                }
            } else {
                Thread.sleep(10);
            }
        }
        return false;
    }

    private static void drain(NotifyReceiver r, List<String> got) {
        String m;
        while ((m = r.poll()) != null) {
            got.add(m);
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).start().waitFor());
    }

    private static String log(Path dir) {
        return LocalCluster.tail(dir.resolve("daemon.log"), 10);
    }
}
