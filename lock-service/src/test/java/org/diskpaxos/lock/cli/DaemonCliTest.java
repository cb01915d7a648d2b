package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.diskpaxos.lock.daemon.DaemonConfig;
import org.diskpaxos.lock.daemon.DaemonLog;
import org.diskpaxos.lock.daemon.LockDaemon;
import org.diskpaxos.lock.inspect.TestDisks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's commands against a running daemon: {@code status} in words and JSON, {@code acquire --json} and
 * {@code release}, {@code lockspace add|remove}; and their errors name the bad argument and exit non-zero.
 */
class DaemonCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestDisks disks;
    private TestDisks extra;
    private LockDaemon daemon;
    private Path socket;
    private Process sleeper;

    @BeforeEach
    void setUp() throws Exception {
        disks = new TestDisks("cli");
        extra = new TestDisks("cliextra");
        disks.member("cli", 7).createResource("r");
        socket = disks.dir.resolve("d.sock");
        Properties p = new Properties();
        p.setProperty("host_id", "1");
        p.setProperty("socket", socket.toString());
        p.setProperty("io_timeout", "100ms");
        p.setProperty("lockspace.cli.disks", String.join(" ", disks.files.stream().map(Path::toString).toList()));
        p.setProperty("lockspace.cli.max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
        daemon = LockDaemon.start(DaemonConfig.from(p), new DaemonLog(new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8), false));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor();
        }
        if (daemon != null) {
            daemon.close();
        }
        extra.close();
        disks.close();
    }

    private int run(String... argv) {
        out.reset();
        err.reset();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusAcquireAndReleaseInWordsAndJson() throws Exception {
        sleeper = new ProcessBuilder("sleep", "60").start();
        String pid = String.valueOf(sleeper.pid());
        assertEquals(0, run("status", "--socket", socket.toString()));
        assertTrue(out().contains("lockspace cli: JOINED") && out().contains("no leases held"), out());
        assertEquals(0, run("acquire", "cli/r", "--pid", pid, "--socket", socket.toString(), "--json"));
        assertTrue(out().startsWith("{") && out().contains("\"resource\":\"cli/r\"") && out().contains("\"fence\":"),
                out());
        assertEquals(0, run("status", "--socket", socket.toString(), "--json"));
        assertTrue(out().startsWith("{") && out().contains("\"lease.0.resource\":\"cli/r\""), out());
        assertEquals(0, run("release", "cli/r", "--pid", pid, "--socket", socket.toString()));
        assertEquals(0, run("status", "--socket", socket.toString(), "--json"));
        assertTrue(out().contains("\"leases\":0"), out());
    }

    @Test
    void lockspaceAddAndRemove() {
        String files = String.join(",", extra.files.stream().map(Path::toString).toList());
        assertEquals(0, run("lockspace", "add", "cliextra", "--disks", files, "--max-resources",
                String.valueOf(TestDisks.MAX_RESOURCES), "--socket", socket.toString()));
        assertTrue(out().startsWith("joined cliextra, generation "), out());
        assertEquals(0, run("status", "--socket", socket.toString()));
        assertTrue(out().contains("lockspace cliextra: JOINED"), out());
        assertEquals(0, run("lockspace", "remove", "cliextra", "--socket", socket.toString()));
        assertEquals("left cliextra", out().trim());
        assertEquals(70, run("lockspace", "remove", "cliextra", "--socket", socket.toString()));
        assertTrue(err().contains("unknown lockspace 'cliextra'"), err());
    }

    @Test
    void errorsNameTheBadArgumentAndExitNonZero() throws Exception {
        sleeper = new ProcessBuilder("sleep", "60").start();
        String s = socket.toString();
        assertEquals(70, run("acquire", "cli/r", "--pid", String.valueOf(ProcessHandle.current().pid()), "--socket",
                s));
        assertTrue(err().contains("the daemon itself"), err());
        assertEquals(Main.EXIT_USAGE, run("lockspace", "join", "x", "--socket", s));
        assertTrue(err().contains("'add NAME --disks ...' or 'remove NAME'"), err());
        assertEquals(Main.EXIT_USAGE, run("lockspace", "add", "x", "--socket", s));
        assertTrue(err().contains("--disks is required"), err());
        assertEquals(Main.EXIT_USAGE, run("lockspace", "remove", "x", "--disks", "a", "--socket", s));
        assertTrue(err().contains("--disks"), err());
        assertEquals(70, run("lockspace", "add", "x", "--disks", "/nonexistent/d0", "--socket", s));
        assertTrue(err().contains("/nonexistent/d0"), err());
        assertEquals(70, run("acquire", "nope/r", "--pid", String.valueOf(sleeper.pid()), "--socket", s));
        assertTrue(err().contains("unknown lockspace 'nope'"), err());
        assertEquals(Main.EXIT_USAGE, run("acquire", "no-slash", "--socket", s));
        assertTrue(err().contains("no-slash"), err());
        assertEquals(Main.EXIT_USAGE, run("acquire", "cli/r", "--pid", "zero", "--socket", s));
        assertTrue(err().contains("--pid"), err());
        assertEquals(70, run("release", "cli/r", "--pid", "1", "--socket", s));
        assertTrue(err().contains("'cli/r' is not held"), err());
        assertEquals(69, run("status", "--socket", disks.dir.resolve("none.sock").toString()));
        assertTrue(err().contains("none.sock"), err());
        assertEquals(Main.EXIT_USAGE, run("status", "extra-word", "--socket", s));
        assertTrue(err().contains("'extra-word'"), err());
    }
}
