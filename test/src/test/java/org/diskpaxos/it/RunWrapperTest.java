package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.cluster.Launcher;
import org.diskpaxos.lock.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dplock run} as scripts use it, with real daemons: the child's exit code and token; exit 1 when the lease is
 * busy past --timeout; 69 without a daemon; the child stopped and exit 3 when the lease is lost because the daemon is
 * paused (the wrapper acts on its own deadline); and the child never outlives its wrapper — not after SIGTERM, not
 * after SIGKILL — so no orphan runs on while the daemon gives the lease to someone else.
 */
class RunWrapperTest {

    private static Path dir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        dir = ChaosTest.workDir("run");
        cluster = new LocalCluster(dir, "run", List.of(dir.resolve("a.img"), dir.resolve("b.img"),
                dir.resolve("c.img")), "fast", Launcher.current());
        cluster.format(8, 16L * 1024 * 1024);
        cluster.start(1);
        cluster.start(2);
        cluster.awaitJoined(1, Duration.ofSeconds(60));
        cluster.awaitJoined(2, Duration.ofSeconds(60));
        for (String r : List.of("exit", "busy", "kill", "term", "pause")) {
            cluster.createResource(1, r);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        ChaosTest.deleteImages(dir);
    }

    private Process run(int host, String resource, String... command) throws Exception {
        return runWaiting(host, resource, "500ms", command);
    }

    private Process runWaiting(int host, String resource, String timeout, String... command) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "run/" + resource, "--socket",
                cluster.host(host).socket.toString(), "--timeout", timeout, "--"));
        args.addAll(List.of(command));
        return cluster.startClient(host, args, dir.resolve("run-" + resource + ".err"));
    }

    private static long awaitPid(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the child never started: " + file);
    }

    private static boolean gone(long pid, long withinMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMs);
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void theChildsExitCodeAndTokenComeThrough() throws Exception {
        Process p = run(1, "exit", "sh", "-c", "echo \"$DPLOCK_FENCE $DPLOCK_RESOURCE $DPLOCK_SEQUENCER\"; exit 7");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(7, p.waitFor());
        String[] f = out.split(" ");
        assertEquals("run/exit", f[1]);
        assertEquals("run/exit:ex:" + f[0], f[2]);
        assertTrue(Long.parseLong(f[0]) >= 1, out);
    }

    @Test
    void busyPastTheTimeoutIsExit1AndNoDaemonIs69() throws Exception {
        Path pid = dir.resolve("busy.pid");
        Process holder = run(1, "busy", "sh", "-c", "echo $$ > " + pid + "; exec sleep 30");
        awaitPid(pid);
        Process late = run(2, "busy", "true");
        assertEquals(1, late.waitFor());
        holder.destroy();
        Process noDaemon = cluster.startClient(1, List.of("run", "run/busy", "--socket",
                dir.resolve("nobody.sock").toString(), "--", "true"), dir.resolve("nodaemon.err"));
        assertEquals(69, noDaemon.waitFor());
        assertTrue(Files.readString(dir.resolve("nodaemon.err")).contains("no dplock daemon at"));
    }

    @Test
    void aKilledWrapperTakesItsChildWithIt() throws Exception {
        Path pid = dir.resolve("kill.pid");
        Process wrapper = run(1, "kill", "sh", "-c", "echo $$ > " + pid + "; exec sleep 30");
        long child = awaitPid(pid);
        wrapper.destroyForcibly();
        assertTrue(gone(child, 5000), "the child of a SIGKILLed wrapper kept running (setpriv --pdeathsig)");
        Process next = runWaiting(2, "kill", "10s", "true");
        assertEquals(0, next.waitFor(), "the lease of a killed wrapper was not released");
    }

    @Test
    void aTerminatedWrapperStopsItsChild() throws Exception {
        Path pid = dir.resolve("term.pid");
        Process wrapper = run(1, "term", "sh", "-c", "echo $$ > " + pid + "; exec sleep 30");
        long child = awaitPid(pid);
        wrapper.destroy();
        assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS));
        assertTrue(gone(child, 2000), "the child outlived its SIGTERMed wrapper");
    }

    @Test
    void whileTheDaemonIsPausedTheWrapperStopsItsChildOnItsOwnDeadline() throws Exception {
        Path pid = dir.resolve("pause.pid");
        Process wrapper = run(2, "pause", "sh", "-c", "echo $$ > " + pid + "; exec sleep 30");
        long child = awaitPid(pid);
        long t0 = System.nanoTime();
        cluster.pause(2);
        try {
            assertTrue(wrapper.waitFor(10, TimeUnit.SECONDS), "the wrapper kept running its child");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(3, wrapper.exitValue());
            assertTrue(gone(child, 1000), "the child outlived the lease");
            // Lost after at most validFor (1 s) since the last renewal, plus the kill grace and polling.
            assertTrue(ms < 2500, "stopped " + ms + " ms after the pause");
            assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
            // Another host gets the lease while the daemon is still paused.
            assertEquals(0, runWaiting(1, "pause", "10s", "true").waitFor());
        } finally {
            cluster.resume(2);
        }
        cluster.awaitJoined(2, Duration.ofSeconds(30));
    }
}
