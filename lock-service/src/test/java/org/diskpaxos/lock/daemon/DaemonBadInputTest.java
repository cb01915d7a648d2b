package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A running daemon facing bad input: unknown lockspaces and resources, a second daemon on its socket, clients that
 * send garbage, oversized frames, floods, or vanish mid-request. Each gets a clear error or a closed connection;
 * the daemon keeps serving everyone else; a dropped client's leases are released; and no lease is granted twice
 * (every grant's fencing token is above the previous one, and a held lease is never handed to another client).
 */
class DaemonBadInputTest {

    private DaemonFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new DaemonFixture("bad");
        fx.start(1);
        try (DaemonConnection c = DaemonConnection.open(fx.socket(1), "setup", null)) {
            for (String r : List.of("a", "b", "c")) {
                Frame created = DaemonFixture.call(c, Frame.Type.CREATE_RESOURCE, "resource", "bad/" + r);
                assertEquals(Frame.Type.OK, created.type(), created::toString);
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    /** The daemon still serves: a fresh client takes and releases {@code bad/c}, with a token above {@code floor}. */
    private long stillServes(long floor) throws Exception {
        try (DaemonLeaseClient c = DaemonLeaseClient.connect(fx.socket(1), "witness")) {
            Lease l = c.tryAcquire(ResourceId.parse("bad/c"), Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE)
                    .orElseThrow(() -> new AssertionError("the daemon no longer grants a free lease"));
            assertTrue(l.fence() > floor, "fence " + l.fence() + " not above " + floor);
            l.release();
            return l.fence();
        }
    }

    @Test
    void unknownLockspaceAndResourceAreNamed() throws Exception {
        DaemonConnection c = fx.connect(1, "asker");
        Frame noLockspace = DaemonFixture.call(c, Frame.Type.ACQUIRE, "resource", "nope/a");
        assertEquals(Frame.Type.ERROR, noLockspace.type());
        assertTrue(noLockspace.get("error").contains("unknown lockspace 'nope'"), noLockspace.toString());
        Frame noResource = DaemonFixture.call(c, Frame.Type.ACQUIRE, "resource", "bad/zz", "timeout_ms", "0");
        assertEquals(Frame.Type.ERROR, noResource.type());
        assertTrue(noResource.get("error").contains("unknown resource 'zz'"), noResource.toString());
        Frame badName = DaemonFixture.call(c, Frame.Type.ACQUIRE, "resource", "no-slash");
        assertEquals(Frame.Type.ERROR, badName.type());
        Frame badMode = DaemonFixture.call(c, Frame.Type.ACQUIRE, "resource", "bad/a", "mode", "SIDEWAYS");
        assertTrue(badMode.get("error").contains("bad acquire request"), badMode.toString());
        Frame notHeld = DaemonFixture.call(c, Frame.Type.RELEASE, "resource", "bad/a");
        assertTrue(notHeld.get("error").contains("'bad/a' is not held by this client"), notHeld.toString());
        stillServes(0);
    }

    @Test
    void aSecondDaemonOnALiveSocketIsRefusedAndAStaleSocketIsReplaced() throws Exception {
        Properties second = fx.properties(2);
        second.setProperty("socket", fx.socket(1).toString());
        IOException e = assertThrows(IOException.class, () -> fx.start(second));
        assertTrue(e.getMessage().contains("in use by a running daemon"), e.getMessage());
        stillServes(0);
        // A socket file nobody listens on (left by a killed daemon) is taken over.
        Files.createFile(fx.socket(3));
        fx.start(3).close();
    }

    @Test
    void garbageGetsAnErrorAndAClosedConnection() throws Exception {
        long fence = stillServes(0);
        List<byte[]> inputs = new ArrayList<>();
        inputs.add("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        inputs.add(header(12, 0xBEEF, Frame.Type.STATUS.code, new byte[0]));        // wrong magic
        inputs.add(header(12, Frame.MAGIC, 4242, new byte[0]));                     // unknown type
        byte[] body = "no equals sign\n".getBytes(StandardCharsets.UTF_8);
        inputs.add(header(12 + body.length, Frame.MAGIC, Frame.Type.STATUS.code, body));
        inputs.add(header(Frame.LENGTH_MAX, Frame.MAGIC, Frame.Type.STATUS.code, new byte[0])); // oversized
        inputs.add(header(-5, Frame.MAGIC, Frame.Type.STATUS.code, new byte[0]));   // negative length
        for (byte[] garbage : inputs) {
            SocketChannel ch = fx.raw(1);
            ch.write(ByteBuffer.wrap(garbage));
            Frame reply = DaemonFixture.readFrame(ch, 5000);
            assertNotNull(reply, "closed without saying why");
            assertEquals(Frame.Type.ERROR, reply.type());
            assertTrue(reply.get("error").startsWith("protocol error"), reply.toString());
            assertTrue(DaemonFixture.closedByDaemon(ch, 5000), "the daemon kept a connection that sent garbage");
            fence = stillServes(fence);
        }
        assertTrue(fx.log().contains("event=protocol-error"), "protocol errors are logged");
    }

    @Test
    void aClientVanishingMidRequestLosesItsLeases() throws Exception {
        // Half a frame, then gone.
        SocketChannel half = fx.raw(1);
        ByteBuffer hello = Frame.of(Frame.Type.HELLO, 1, "name", "half").encode();
        hello.limit(hello.limit() / 2);
        half.write(hello);
        half.close();
        // An acquire sent, then gone before the reply: the lease it gets must be released.
        SocketChannel gone = fx.raw(1);
        gone.write(Frame.of(Frame.Type.ACQUIRE, 7, "resource", "bad/a", "timeout_ms", "2000").encode());
        gone.close();
        // A holder that disconnects: its lease goes back.
        DaemonLeaseClient holder = DaemonLeaseClient.connect(fx.socket(1), "holder");
        Lease held = holder.acquire(ResourceId.parse("bad/b"), LeaseOptions.EXCLUSIVE);
        holder.close();
        try (DaemonLeaseClient next = DaemonLeaseClient.connect(fx.socket(1), "next")) {
            Lease a = next.tryAcquire(ResourceId.parse("bad/a"), Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE)
                    .orElseThrow(() -> new AssertionError("bad/a stayed held by a client that left"));
            Lease b = next.tryAcquire(ResourceId.parse("bad/b"), Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE)
                    .orElseThrow(() -> new AssertionError("bad/b stayed held by a client that left"));
            assertTrue(b.fence() > held.fence(), "fence " + b.fence() + " after " + held.fence());
            a.release();
            b.release();
        }
    }

    @Test
    void aFloodingClientIsCutOffAndOthersAreServed() throws Exception {
        fx.start(2);
        // Host 1 holds bad/a; a client of host 2 floods acquires of it that must wait.
        DaemonLeaseClient holder = fx.client(1, "holder");
        Lease held = holder.acquire(ResourceId.parse("bad/a"), LeaseOptions.EXCLUSIVE);
        SocketChannel flood = fx.raw(2);
        ByteBuffer all = ByteBuffer.allocate(LockDaemon.PENDING_MAX * 2 * 128);
        for (int i = 1; i <= LockDaemon.PENDING_MAX + 8; i++) {
            all.put(Frame.of(Frame.Type.ACQUIRE, i, "resource", "bad/a", "timeout_ms", "3000").encode());
        }
        all.flip();
        while (all.hasRemaining()) {
            flood.write(all);
        }
        Frame cut = DaemonFixture.readFrame(flood, 5000);
        assertNotNull(cut);
        assertTrue(cut.get("error", "").contains("requests in progress"), cut.toString());
        assertTrue(DaemonFixture.closedByDaemon(flood, 5000), "a flooding client was not cut off");
        // Host 2 still serves others, and nobody got bad/a from host 1's holder.
        try (DaemonLeaseClient other = DaemonLeaseClient.connect(fx.socket(2), "other")) {
            Lease c = other.tryAcquire(ResourceId.parse("bad/c"), Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE)
                    .orElseThrow();
            c.release();
            Optional<Lease> a = other.tryAcquire(ResourceId.parse("bad/a"), Duration.ofMillis(300),
                    LeaseOptions.EXCLUSIVE);
            assertTrue(a.isEmpty(), "bad/a granted while host 1's client holds it");
        }
        held.checkValid();
    }

    @Test
    void aClientThatNeverReadsItsRepliesIsCutOff() throws Exception {
        SocketChannel deaf = fx.raw(1);
        deaf.configureBlocking(false);
        ByteBuffer status = Frame.of(Frame.Type.STATUS, 1).encode();
        int sent = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean cut = false;
        while (!cut && System.nanoTime() < deadline) {
            ByteBuffer b = status.duplicate();
            try {
                while (b.hasRemaining() && System.nanoTime() < deadline) {
                    if (deaf.write(b) == 0) {
                        Thread.sleep(1);
                    }
                }
                sent++;
            } catch (IOException e) {
                cut = true; // the daemon closed it: broken pipe or reset
            }
        }
        assertTrue(cut, "the daemon kept queueing replies to a client that reads none (" + sent + " requests)");
        assertTrue(sent > LockDaemon.OUTBOX_MAX, sent + " requests");
        stillServes(0);
    }

    private static byte[] header(int length, int magic, int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(length).putShort((short) magic).putShort((short) type).putLong(1).put(body);
        return b.array();
    }
}
