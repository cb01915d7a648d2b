package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.junit.jupiter.api.Test;

/**
 * Regression: a daemon that stops (SIGTERM, systemctl stop) gave its leases back at once, while the processes holding
 * them still ran; another host could take a lease from under a live holder. It now stops the holders first
 * (SIGTERM, then SIGKILL after the kill grace) and only then releases and leaves.
 */
class DaemonStopTest {

    @Test
    void aStoppingDaemonStopsItsHoldersBeforeAnyoneElseGetsTheirLeases() throws Exception {
        try (DaemonFixture fx = new DaemonFixture("stop")) {
            LockDaemon first = fx.start(1);
            fx.start(2);
            DaemonConnection admin = fx.connect(1, "admin");
            assertEquals(Frame.Type.OK, DaemonFixture.call(admin, Frame.Type.CREATE_RESOURCE, "resource", "stop/r")
                    .type());
            // A holder that ignores SIGTERM: only SIGKILL stops it.
            Process holder = new ProcessBuilder("bash", "-c", "trap '' TERM; while :; do sleep 0.05; done").start();
            try {
                Frame got = DaemonFixture.call(admin, Frame.Type.ACQUIRE, "resource", "stop/r", "pid",
                        String.valueOf(holder.pid()), "detach", "true", "timeout_ms", "2000");
                assertEquals(Frame.Type.OK, got.type(), got.toString());
                DaemonLeaseClient other = fx.client(2, "other");
                CompletableFuture<Boolean> holderAliveWhenTaken = CompletableFuture.supplyAsync(() -> {
                    try {
                        Optional<Lease> l = other.tryAcquire(ResourceId.parse("stop/r"), Duration.ofSeconds(10),
                                LeaseOptions.EXCLUSIVE);
                        boolean alive = holder.isAlive();
                        l.orElseThrow(() -> new AssertionError("never acquired after the daemon stopped")).release();
                        return alive;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(300);
                assertFalse(holderAliveWhenTaken.isDone(), "acquired while the first daemon still held it");
                first.close();
                assertFalse(holderAliveWhenTaken.get(15, TimeUnit.SECONDS),
                        "another host got the lease while its holder was still running");
                assertTrue(holder.waitFor(5, TimeUnit.SECONDS), "the holder survived the daemon's stop");
            } finally {
                holder.destroyForcibly();
            }
        }
    }
}
