package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.junit.jupiter.api.Test;

/**
 * {@code dplock agent}, {@code agent-key}, {@code agent-bench} and {@code sim --protocol agent-io}: bad arguments
 * are usage errors naming the option; a bad key, a device that is not an agent's and a port in use are failures
 * naming the problem; a good command line serves clients until stopped.
 */
class AgentCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static Path scratch() throws Exception {
        Path target = Path.of("target", "scratch");
        Files.createDirectories(target);
        return Files.createTempDirectory(target.toAbsolutePath(), "cli");
    }

    @Test
    void badArgumentsAreUsageErrorsNamingTheOption() throws Exception {
        assertEquals(Main.EXIT_USAGE, run("agent", "--key", "k"));
        assertTrue(errText().contains("--device"), errText());
        assertEquals(Main.EXIT_USAGE, run("agent", "--device", "d", "--key", "k", "--resources", "5"));
        assertTrue(errText().contains("--resources only applies with --init"), errText());
        assertEquals(Main.EXIT_USAGE, run("agent", "--device", "d", "--key", "k", "--listen", "nowhere"));
        assertTrue(errText().contains("HOST:PORT"), errText());
        assertEquals(Main.EXIT_USAGE, run("agent", "--device", "d", "--key", "k", "--init", "--window", "65"));
        assertTrue(errText().contains("--window"), errText());
        assertEquals(Main.EXIT_USAGE, run("agent", "--device", "d", "--key", "k", "--colour", "red"));
        assertEquals(Main.EXIT_USAGE, run("agent-bench", "--clients", "1,x"));
        assertTrue(errText().contains("--clients"), errText());
        assertEquals(Main.EXIT_USAGE, run("agent-key"));
        assertTrue(errText().contains("--out"), errText());
    }

    @Test
    void aBadKeyANonAgentDeviceAndAPortInUseAreNamed() throws Exception {
        Path dir = scratch();
        Path key = dir.resolve("key");
        assertEquals(0, run("agent-key", "--out", key.toString()));
        assertEquals(1, run("agent-key", "--out", key.toString()), "never overwrites a key");
        Path weak = dir.resolve("weak");
        Files.write(weak, new byte[40]);
        Files.setPosixFilePermissions(weak, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals(1, run("agent", "--device", dir.resolve("d").toString(), "--key", weak.toString()));
        assertTrue(errText().contains("weak"), errText());
        Path notAgent = dir.resolve("plain.img");
        Files.write(notAgent, new byte[1 << 16]);
        assertEquals(1, run("agent", "--device", notAgent.toString(), "--key", key.toString()));
        assertTrue(errText().contains("not an agent device") && errText().contains("--init"), errText());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("agent", "--device", dir.resolve("new.img").toString(), "--key", key.toString(),
                    "--init", "--resources", "4", "--cas-blocks", "0", "--listen", "127.0.0.1:"
                            + taken.getLocalPort()));
            assertTrue(errText().contains("cannot listen") && errText().contains("--listen"), errText());
        }
        assertEquals(1, run("agent", "--device", dir.resolve("new.img").toString(), "--key", key.toString(),
                "--init"));
        assertTrue(errText().contains("already holds an agent superblock"), errText());
    }

    @Test
    void aGoodCommandLineServesUntilStopped() throws Exception {
        Path dir = scratch();
        Path key = dir.resolve("key");
        AgentKey.generate(key);
        CompletableFuture<Void> stop = new CompletableFuture<>();
        PipedOutput pipe = new PipedOutput();
        PrintStream agentOut = new PrintStream(pipe, true, StandardCharsets.UTF_8);
        int[] exit = {-1};
        Thread t = new Thread(() -> {
            try {
                Args args = Args.parse("agent", new String[] {"--device", dir.resolve("a.img").toString(), "--key",
                        key.toString(), "--init", "--name", "cli-agent", "--resources", "8", "--listen",
                        "127.0.0.1:0"}, new AgentCommand().valuedOptions(), new AgentCommand().booleanOptions());
                exit[0] = new AgentCommand(stop).run(args, agentOut, new PrintStream(err, true,
                        StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        String line = pipe.awaitLine(10_000);
        assertTrue(line.startsWith("agent listening on 127.0.0.1:") && line.contains("cli-agent"), line);
        int port = Integer.parseInt(line.substring("agent listening on 127.0.0.1:".length()).split(" ")[0]);
        try (ThreadedEventLoop loop = new ThreadedEventLoop("cli-test");
                AgentTransport transport = AgentTransport.start("cli-test-net")) {
            AgentClient c = transport.connect(new InetSocketAddress("127.0.0.1", port), AgentKey.load(key), loop,
                    AgentClientOptions.defaults("cli"));
            CompletableFuture<AgentReply> reply = new CompletableFuture<>();
            loop.execute(() -> c.send(new AgentRequest.RrWrite("x", 0, new AgentRank(1, 0, 1), new byte[] {1}),
                    TimeUnit.SECONDS.toNanos(5), reply::complete));
            assertInstanceOf(AgentReply.RrWriteResult.class, reply.get(10, TimeUnit.SECONDS));
            loop.execute(c::close);
        }
        stop.complete(null);
        t.join(10_000);
        assertEquals(0, exit[0]);
    }

    @Test
    void simRunsTheAgentWorkload() {
        assertEquals(0, run("sim", "--protocol", "agent-io", "--seed", "3", "--duration", "200ms"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 seeds, 0 failed"), out::toString);
    }

    /** Collects output and hands out the first line. */
    private static final class PipedOutput extends java.io.OutputStream {
        private final StringBuilder text = new StringBuilder();
        private final CountDownLatch line = new CountDownLatch(1);

        @Override
        public synchronized void write(int b) {
            text.append((char) b);
            if (b == '\n') {
                line.countDown();
            }
        }

        String awaitLine(long ms) throws InterruptedException {
            assertTrue(line.await(ms, TimeUnit.MILLISECONDS), "no line printed");
            synchronized (this) {
                return text.substring(0, text.indexOf("\n"));
            }
        }
    }
}
