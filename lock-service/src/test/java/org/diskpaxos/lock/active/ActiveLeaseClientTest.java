package org.diskpaxos.lock.active;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseException;
import org.diskpaxos.lock.api.LeaseLostException;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.LeaseState;
import org.diskpaxos.lock.api.ReleaseResult;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.lock.api.RequestResult;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;
import org.diskpaxos.lock.bench.LocalAgents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active-mode lease client against three real agents over TCP, as several hosts in one JVM: exclusive and
 * shared leases, fencing tokens, lock value blocks, requests, failover after a host dies, an agent down, and bad
 * input.
 */
class ActiveLeaseClientTest {
    static final LeaseTimeouts TIMEOUTS = LeaseTimeouts.FAST;
    private static final ResourceId DB = ResourceId.parse("ls/db");

    @TempDir
    Path dir;
    private LocalAgents agents;

    @BeforeEach
    void startAgents() throws Exception {
        agents = new LocalAgents(dir, 3, 16);
    }

    @AfterEach
    void stopAgents() throws Exception {
        agents.close();
    }

    static HostIdentity identity(int host) {
        return new HostIdentity(String.format("%016x", 0xac7000L + host), "00000000000000b1", "host" + host);
    }

    private ActiveLeaseClient host(int id) throws Exception {
        return ActiveLeaseClient.open(new ActiveLeaseClient.Config("ls", id, agents.addresses, agents.key, TIMEOUTS,
                identity(id)));
    }

    @Test
    void exclusiveLeasesPassFromHostToHostWithIncreasingTokens() throws Exception {
        try (ActiveLeaseClient a = host(1); ActiveLeaseClient b = host(2)) {
            Lease first = a.acquire(DB, LeaseOptions.EXCLUSIVE);
            assertEquals(LeaseState.HELD, first.state());
            first.checkValid();
            assertEquals(Optional.empty(), b.tryAcquire(DB, Duration.ofMillis(600), LeaseOptions.EXCLUSIVE),
                    "a live holder keeps it");
            assertThrows(LeaseException.class, () -> a.tryAcquire(DB, Duration.ofMillis(100), LeaseOptions.EXCLUSIVE),
                    "not reentrant");
            assertEquals(ReleaseResult.RELEASED, first.release());
            assertEquals(ReleaseResult.ALREADY_RELEASED, first.release());
            assertThrows(LeaseLostException.class, first::checkValid);
            Lease second = b.tryAcquire(DB, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE).orElseThrow();
            assertTrue(second.fence() > first.fence(), second.fence() + " after " + first.fence());
            assertEquals("ls/db:ex:" + second.fence(), second.sequencer());
            second.close();
            long last = second.fence();
            for (int i = 0; i < 20; i++) {
                try (Lease l = (i % 2 == 0 ? a : b).acquire(DB, LeaseOptions.EXCLUSIVE)) {
                    assertTrue(l.fence() > last);
                    last = l.fence();
                }
            }
        }
    }

    @Test
    void sharedHoldersOverlapAndKeepAWriterOut() throws Exception {
        try (ActiveLeaseClient a = host(1); ActiveLeaseClient b = host(2); ActiveLeaseClient c = host(3)) {
            Lease ra = a.acquire(DB, LeaseOptions.SHARED);
            Lease rb = b.acquire(DB, LeaseOptions.SHARED);
            assertEquals(LeaseMode.SHARED, rb.mode());
            assertTrue(rb.fence() > ra.fence());
            assertFalse(c.tryAcquire(DB, Duration.ofMillis(600), LeaseOptions.EXCLUSIVE).isPresent());
            ra.release();
            assertFalse(c.tryAcquire(DB, Duration.ofMillis(600), LeaseOptions.EXCLUSIVE).isPresent(),
                    "one reader left");
            rb.release();
            Lease w = c.tryAcquire(DB, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE).orElseThrow();
            assertTrue(w.fence() > rb.fence());
            w.release();
        }
    }

    @Test
    void theLockValueBlockPassesToTheNextHolder() throws Exception {
        try (ActiveLeaseClient a = host(1); ActiveLeaseClient b = host(2)) {
            try (Lease l = a.acquire(DB, LeaseOptions.EXCLUSIVE)) {
                assertArrayEquals(new byte[0], l.lvb());
                l.setLvb("counter=41".getBytes());
                assertThrows(IllegalArgumentException.class, () -> l.setLvb(new byte[65]));
            }
            try (Lease l = b.acquire(DB, LeaseOptions.SHARED)) {
                assertArrayEquals("counter=41".getBytes(), l.lvb());
                assertThrows(IllegalStateException.class, () -> l.setLvb(new byte[1]));
            }
        }
    }

    @Test
    void aRequestReachesTheHolderAndForceMakesItLost() throws Exception {
        try (ActiveLeaseClient a = host(1); ActiveLeaseClient b = host(2)) {
            Lease held = a.acquire(DB, LeaseOptions.EXCLUSIVE);
            RequestResult r = b.request(DB, RequestMode.GRACEFUL);
            assertEquals(List.of(1L), r.holderHostIds());
            assertTrue(r.lver() > held.fence());
            assertEquals(RequestMode.GRACEFUL, held.requested().get(10, TimeUnit.SECONDS));
            assertEquals(LeaseState.HELD, held.state(), "a graceful request leaves the lease held");
            assertThrows(LeaseException.class, () -> a.request(DB, RequestMode.FORCE), "a holder cannot ask itself");
            held.release();

            Lease again = a.acquire(DB, LeaseOptions.EXCLUSIVE);
            b.request(DB, RequestMode.FORCE);
            assertEquals(RequestMode.FORCE, again.requested().get(10, TimeUnit.SECONDS));
            assertTrue(again.lost().get(1, TimeUnit.SECONDS).contains("forced"));
            assertEquals(LeaseState.LOST, again.state());
            Lease taken = b.tryAcquire(DB, Duration.ofSeconds(10), LeaseOptions.EXCLUSIVE).orElseThrow();
            assertTrue(taken.fence() > again.fence());
            assertEquals(ReleaseResult.ALREADY_LOST, again.release());
            taken.release();
        }
    }

    @Test
    void aDeadHostsLeaseIsTakenAfterHostDeadAndTheHostRejoinsAsANewGeneration() throws Exception {
        ActiveLeaseClient a = host(1);
        try (ActiveLeaseClient b = host(2)) {
            Lease held = a.acquire(DB, LeaseOptions.EXCLUSIVE);
            a.abandon(); // the host dies: no release, no leave
            long start = System.nanoTime();
            Lease taken = b.tryAcquire(DB, Duration.ofSeconds(30), LeaseOptions.EXCLUSIVE).orElseThrow();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(taken.fence() > held.fence());
            assertTrue(tookMs * 1_000_000 >= TIMEOUTS.hostDeadNs() - TIMEOUTS.ioTimeoutNs(),
                    "taken after " + tookMs + " ms, before the holder could be judged dead");
            assertEquals(LeaseState.LOST, held.state(), "the dead host's own lease ran out on its clock");
            taken.release();
        }
        // The same host id, same machine and boot: rejoins as a new generation once the old leases are over.
        try (ActiveLeaseClient again = host(1)) {
            assertTrue(again.generation() >= 2);
            again.acquire(DB, LeaseOptions.EXCLUSIVE).release();
        }
    }

    @Test
    void oneAgentDownIsTolerated() throws Exception {
        try (ActiveLeaseClient a = host(1); ActiveLeaseClient b = host(2)) {
            Lease l = a.acquire(DB, LeaseOptions.EXCLUSIVE);
            agents.stop(2);
            Thread.sleep(3 * TIMEOUTS.ioTimeoutNs() / 1_000_000);
            assertEquals(LeaseState.HELD, l.state(), "renewals go on with two agents of three");
            assertEquals(ReleaseResult.RELEASED, l.release());
            Lease m = b.tryAcquire(DB, Duration.ofSeconds(5), LeaseOptions.EXCLUSIVE).orElseThrow();
            assertTrue(m.fence() > l.fence());
            m.release();
            agents.restart(2);
        }
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        try (ActiveLeaseClient a = host(1)) {
            LeaseException e = assertThrows(LeaseException.class,
                    () -> a.tryAcquire(ResourceId.parse("other/db"), Duration.ofMillis(100), LeaseOptions.EXCLUSIVE));
            assertTrue(e.getMessage().contains("not in lockspace 'ls'"), e.getMessage());
            LeaseException twin = assertThrows(LeaseException.class, () -> ActiveLeaseClient.open(
                    new ActiveLeaseClient.Config("ls", 1, agents.addresses, agents.key, TIMEOUTS, identity(9))));
            assertTrue(twin.getMessage().contains("in use"), twin.getMessage());
        }
        AgentKey wrong = AgentKey.generate(dir.resolve("wrong.key"));
        LeaseException denied = assertThrows(LeaseException.class, () -> ActiveLeaseClient.open(
                new ActiveLeaseClient.Config("ls", 5, agents.addresses, wrong, TIMEOUTS, identity(5))));
        assertTrue(denied.getMessage().contains("joining"), denied.getMessage());
        assertThrows(LeaseException.class, () -> ActiveLeaseClient.open(new ActiveLeaseClient.Config("ls", 5,
                agents.addresses.subList(0, 2), agents.key, TIMEOUTS, identity(5))), "an even number of agents");
        assertThrows(LeaseException.class, () -> ActiveLeaseClient.open(new ActiveLeaseClient.Config("ls", 0,
                agents.addresses, agents.key, TIMEOUTS, identity(5))), "host id 0");
    }

    /** Writes {@code value} into register {@code (name, instance)} on every agent at a high rank, as another program might. */
    private void scribble(String name, long instance, byte[] value) throws Exception {
        try (AgentTransport transport = AgentTransport.start("scribbler");
             ThreadedEventLoop loop = new ThreadedEventLoop("scribbler")) {
            for (var address : agents.addresses) {
                AgentClient c = transport.connect(address, agents.key, loop, AgentClientOptions.defaults("scribbler"));
                CompletableFuture<AgentReply> reply = new CompletableFuture<>();
                loop.execute(() -> c.send(new AgentRequest.RrWrite(name, instance, new AgentRank(1L << 40, 7, 7),
                        value), 5_000_000_000L, reply::complete));
                AgentReply r = reply.get(10, TimeUnit.SECONDS);
                assertTrue(r instanceof AgentReply.RrWriteResult w && w.outcome() == AgentReply.WriteOutcome.COMMITTED,
                        r.toString());
                c.close();
            }
        }
    }

    @Test
    void foreignValuesInTheRegistersAreClearErrorsAndNothingIsGranted() throws Exception {
        scribble("ls/db", 1, "not a lease".getBytes());
        scribble("ls//h4", 0, "not a heartbeat".getBytes());
        try (ActiveLeaseClient a = host(1)) {
            LeaseException e = assertThrows(LeaseException.class,
                    () -> a.tryAcquire(DB, Duration.ofSeconds(1), LeaseOptions.EXCLUSIVE));
            assertTrue(e.getMessage().contains("not a lease record") && e.getMessage().contains("ls/db"),
                    e.getMessage());
            assertTrue(a.held().isEmpty());
            a.acquire(ResourceId.parse("ls/other"), LeaseOptions.EXCLUSIVE).release();
        }
        LeaseException joined = assertThrows(LeaseException.class, () -> host(4));
        assertTrue(joined.getMessage().contains("holds something else"), joined.getMessage());
    }
}
