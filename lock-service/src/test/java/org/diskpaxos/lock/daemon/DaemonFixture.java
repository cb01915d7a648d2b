package org.diskpaxos.lock.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.inspect.TestDisks;

/**
 * Lock daemons in this JVM on three formatted files, for tests of the daemon's socket: configs, clients, raw
 * sockets that send what they like. Everything is closed by {@link #close()}.
 */
final class DaemonFixture implements AutoCloseable {
    final TestDisks disks;
    final String lockspace;
    private final List<AutoCloseable> open = new ArrayList<>();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final DaemonLog log = new DaemonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), true);

    DaemonFixture(String lockspace) throws IOException {
        this.lockspace = lockspace;
        this.disks = new TestDisks(lockspace);
    }

    /** Properties of a daemon for host {@code hostId} with the fast profile's little brother (100 ms io). */
    Properties properties(int hostId) {
        Properties p = new Properties();
        p.setProperty("host_id", String.valueOf(hostId));
        p.setProperty("socket", socket(hostId).toString());
        p.setProperty("io_timeout", "100ms");
        p.setProperty("host_name", "t" + hostId);
        p.setProperty("lockspace." + lockspace + ".disks", String.join(" ", disks.files.stream().map(Path::toString)
                .toList()));
        p.setProperty("lockspace." + lockspace + ".max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
        return p;
    }

    Path socket(int hostId) {
        return disks.dir.resolve("h" + hostId + ".sock");
    }

    LockDaemon start(Properties p) throws Exception {
        LockDaemon d = LockDaemon.start(DaemonConfig.from(p), log);
        open.add(0, d);
        return d;
    }

    LockDaemon start(int hostId) throws Exception {
        return start(properties(hostId));
    }

    DaemonConnection connect(int hostId, String name) throws IOException {
        DaemonConnection c = DaemonConnection.open(socket(hostId), name, null);
        open.add(0, c);
        return c;
    }

    DaemonLeaseClient client(int hostId, String name) throws IOException {
        DaemonLeaseClient c = DaemonLeaseClient.connect(socket(hostId), name);
        open.add(0, c);
        return c;
    }

    SocketChannel raw(int hostId) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket(hostId)));
        open.add(0, ch);
        return ch;
    }

    /** Sends a request on a plain connection and waits for its reply. */
    static Frame call(DaemonConnection c, Frame.Type type, String... keyValues) throws Exception {
        return c.request(Frame.of(type, 0, keyValues)).get(20, TimeUnit.SECONDS);
    }

    /** Reads frames from a raw channel until one arrives or the daemon closes it (null). */
    static Frame readFrame(SocketChannel ch, long timeoutMs) throws Exception {
        ch.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(Frame.LENGTH_MAX);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            int n = ch.read(in);
            if (n < 0) {
                return null;
            }
            in.flip();
            Frame f = Frame.decode(in);
            if (f != null) {
                return f;
            }
            in.compact();
            Thread.sleep(5);
        }
        throw new AssertionError("no frame and no close within " + timeoutMs + " ms");
    }

    /** Whether the daemon closed the raw channel (reads reach end of stream) within {@code timeoutMs}. */
    static boolean closedByDaemon(SocketChannel ch, long timeoutMs) throws Exception {
        ch.configureBlocking(false);
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            sink.clear();
            try {
                if (ch.read(sink) < 0) {
                    return true;
                }
            } catch (IOException e) {
                return true; // reset by the daemon
            }
            Thread.sleep(5);
        }
        return false;
    }

    String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing everything regardless
            }
        }
        disks.close();
    }
}
