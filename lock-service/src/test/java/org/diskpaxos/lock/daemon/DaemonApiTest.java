package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.inspect.TestDisks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's socket API beyond acquire and release: INQUIRE lists a client's own leases; two clients of one
 * daemon wanting the same lease take turns (the second waits, within its timeout); LOCKSPACE_ADD joins a
 * lockspace without a restart (bad requests named), LOCKSPACE_REMOVE leaves it and frees the host id, refused while
 * leases in it are held; and the Prometheus metrics over HTTP count what happened, renewals included.
 */
class DaemonApiTest {

    private final DaemonFixture fx;

    DaemonApiTest() throws Exception {
        fx = new DaemonFixture("api");
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void inquireListsOnlyThisClientsLeases() throws Exception {
        fx.start(1);
        DaemonConnection admin = fx.connect(1, "admin");
        assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "api/a").type());
        assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "api/b").type());
        DaemonLeaseClient mine = fx.client(1, "mine");
        Lease a = mine.acquire(ResourceId.parse("api/a"), LeaseOptions.EXCLUSIVE);
        DaemonLeaseClient other = fx.client(1, "other");
        other.acquire(ResourceId.parse("api/b"), LeaseOptions.EXCLUSIVE);
        DaemonConnection asker = fx.connect(1, "asker");
        assertEquals("0", DaemonFixture.call(asker, Frame.Type.INQUIRE).get("count"));
        Frame held = DaemonFixture.call(asker, Frame.Type.ACQUIRE, "resource", "api/a", "timeout_ms", "0");
        assertEquals(Frame.Type.BUSY, held.type(), held.toString());
        assertTrue(held.get("error", "").contains("api/a is held on this host by client"), held.toString());
        a.release();
        Frame got = DaemonFixture.call(asker, Frame.Type.ACQUIRE, "resource", "api/a", "timeout_ms", "2000");
        assertEquals(Frame.Type.OK, got.type(), got.toString());
        Frame inquiry = DaemonFixture.call(asker, Frame.Type.INQUIRE);
        assertEquals("1", inquiry.get("count"), inquiry.toString());
        assertEquals("api/a", inquiry.get("lease.0.resource"));
        assertEquals(got.get("fence"), inquiry.get("lease.0.fence"));
        assertTrue(Long.parseLong(got.get("fence")) > a.fence());
    }

    @Test
    void aLockspaceIsAddedAndRemovedWithoutARestart() throws Exception {
        fx.start(1);
        try (TestDisks extra = new TestDisks("extra")) {
            String disks = String.join(",", extra.files.stream().map(Path::toString).toList());
            DaemonConnection admin = fx.connect(1, "admin");
            Frame missing = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "extra");
            assertTrue(missing.get("error", "").contains("disks is required"), missing.toString());
            Frame even = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "extra", "disks",
                    extra.files.get(0) + "," + extra.files.get(1));
            assertTrue(even.get("error", "").contains("1, 3, 5 or 7 disks"), even.toString());
            Frame wrong = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "other", "disks", disks,
                    "max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
            assertEquals(Frame.Type.ERROR, wrong.type(), "joined a lockspace under the wrong name: " + wrong);
            assertTrue(wrong.get("error").contains("'other'"), wrong.toString());

            Frame added = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "extra", "disks", disks,
                    "max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
            assertEquals(Frame.Type.OK, added.type(), added.toString());
            Frame again = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "extra", "disks", disks,
                    "max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
            assertTrue(again.get("error", "").contains("already joined"), again.toString());
            assertEquals("2", DaemonFixture.call(admin, Frame.Type.STATUS).get("lockspaces"));

            assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "extra/r")
                    .type());
            DaemonLeaseClient holder = fx.client(1, "holder");
            Lease l = holder.acquire(ResourceId.parse("extra/r"), LeaseOptions.EXCLUSIVE);
            Frame busy = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_REMOVE, "lockspace", "extra");
            assertTrue(busy.get("error", "").contains("release them first"), busy.toString());
            l.release();
            assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.LOCKSPACE_REMOVE, "lockspace", "extra")
                    .type());
            Frame gone = DaemonFixture.call(admin, Frame.Type.ACQUIRE, "resource", "extra/r");
            assertTrue(gone.get("error", "").contains("unknown lockspace 'extra'"), gone.toString());
            Frame unknown = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_REMOVE, "lockspace", "extra");
            assertTrue(unknown.get("error", "").contains("unknown lockspace 'extra'"), unknown.toString());

            // The host id was freed, not left to expire: joining again is immediate and the lease still works.
            long t0 = System.nanoTime();
            Frame rejoined = DaemonFixture.call(admin, Frame.Type.LOCKSPACE_ADD, "lockspace", "extra", "disks",
                    disks, "max_resources", String.valueOf(TestDisks.MAX_RESOURCES));
            assertEquals(Frame.Type.OK, rejoined.type(), rejoined.toString());
            long joinMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(joinMs < 5_000, "re-adding took " + joinMs + " ms");
            Lease next = holder.acquire(ResourceId.parse("extra/r"), LeaseOptions.EXCLUSIVE);
            assertTrue(next.fence() > l.fence());
            next.release();
            assertTrue(fx.log().contains("event=lockspace-added") && fx.log().contains("event=lockspace-removed"),
                    fx.log());
        }
    }

    @Test
    void metricsAreServedOverHttp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = fx.properties(1);
        p.setProperty("metrics", "127.0.0.1:" + port);
        fx.start(p);
        DaemonConnection admin = fx.connect(1, "admin");
        assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "api/m").type());
        DaemonLeaseClient c = fx.client(1, "metered");
        Lease l = c.acquire(ResourceId.parse("api/m"), LeaseOptions.EXCLUSIVE);
        Thread.sleep(500); // a few renewals (every 200 ms with a 100 ms I/O timeout)
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        String body = r.body();
        assertEquals(1, value(body, "dplock_leases_held"), body);
        assertEquals(1, value(body, "dplock_acquire_seconds_count"), body);
        assertTrue(value(body, "dplock_renewal_seconds_count") >= 1, body);
        assertEquals(0, value(body, "dplock_renewals_failed_total"), body);
        assertTrue(body.contains("# TYPE dplock_acquire_seconds histogram"), body);
        l.release();
        String after = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(0, value(after, "dplock_leases_held"), after);
    }

    @Test
    void twoLocalClientsTakeTurnsOnOneLease() throws Exception {
        fx.start(1);
        DaemonConnection admin = fx.connect(1, "admin");
        assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "api/t").type());
        DaemonLeaseClient first = fx.client(1, "first");
        Lease l = first.acquire(ResourceId.parse("api/t"), LeaseOptions.EXCLUSIVE);
        DaemonConnection second = fx.connect(1, "second");
        java.util.concurrent.CompletableFuture<Frame> waiting = second.request(Frame.of(Frame.Type.ACQUIRE, 0,
                "resource", "api/t", "timeout_ms", "10000"));
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "the second client did not wait: " + waiting.getNow(null));
        l.release();
        Frame got = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Frame.Type.OK, got.type(), got.toString());
        assertTrue(Long.parseLong(got.get("fence")) > l.fence());
        // And a wait that runs out is BUSY, naming the local holder.
        DaemonConnection third = fx.connect(1, "third");
        long t0 = System.nanoTime();
        Frame busy = DaemonFixture.call(third, Frame.Type.ACQUIRE, "resource", "api/t", "timeout_ms", "200");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Frame.Type.BUSY, busy.type(), busy.toString());
        assertTrue(busy.get("error").contains("second"), busy.toString());
        assertTrue(ms >= 150 && ms < 5000, "waited " + ms + " ms for a 200 ms timeout");
    }

    private static double value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in\n" + exposition);
        }
        return Double.parseDouble(m.group(1));
    }
}
