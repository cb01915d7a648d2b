package org.diskpaxos.lock.active;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.bench.ChildJvm;
import org.diskpaxos.lock.bench.LocalAgents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active mode with several JVM processes as hosts and three real agents over TCP: concurrent hosts increment a
 * counter under exclusive leases and none of the increments is lost, tokens only grow; a holder process killed with
 * SIGKILL loses its lease to another host after {@code hostDead}.
 */
class ActiveMultiProcessTest {
    private static final int HOSTS = 3;
    private static final int ROUNDS = 25;
    private static final long IO_TIMEOUT_MS = 250;

    @TempDir
    Path dir;

    private List<String> command(LocalAgents agents, int hostId, String rounds, Path counter) {
        List<String> args = new ArrayList<>(List.of(agents.keyFile.toString(), "ls/counter", Integer.toString(hostId),
                Long.toString(IO_TIMEOUT_MS), rounds, counter.toString()));
        args.addAll(agents.addressArgs());
        return ChildJvm.likeThisJvm(ActiveCounterHost.class.getName(), args);
    }

    @Test
    void concurrentProcessesNeverLoseAnIncrement() throws Exception {
        Path counter = dir.resolve("counter");
        Files.writeString(counter, "0 0\n");
        try (LocalAgents agents = new LocalAgents(dir, 3, 16)) {
            List<Process> hosts = new ArrayList<>();
            for (int h = 1; h <= HOSTS; h++) {
                hosts.add(new ProcessBuilder(command(agents, h, Integer.toString(ROUNDS), counter))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("host" + h + ".log").toFile()).start());
            }
            for (int h = 0; h < HOSTS; h++) {
                Process p = hosts.get(h);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "host " + (h + 1) + " did not finish");
                String log = Files.readString(dir.resolve("host" + (h + 1) + ".log"));
                assertEquals(0, p.exitValue(), "host " + (h + 1) + ": " + log);
                assertTrue(log.contains("DONE"), log);
            }
        }
        String[] state = Files.readString(counter).trim().split(" ");
        assertEquals(HOSTS * ROUNDS, Long.parseLong(state[0]), "increments lost: two hosts held the lease at once");
        assertTrue(Long.parseLong(state[1]) >= HOSTS * ROUNDS, "one lease version per increment at least");
    }

    @Test
    void aKilledHoldersLeaseGoesToAnotherHostWithAHigherToken() throws Exception {
        Path counter = dir.resolve("counter");
        Files.writeString(counter, "0 0\n");
        try (LocalAgents agents = new LocalAgents(dir, 3, 16)) {
            Process holder = new ProcessBuilder(command(agents, 1, "hold", counter)).redirectErrorStream(true).start();
            long fence;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line = out.readLine();
                assertTrue(line != null && line.startsWith("HELD "), "holder printed " + line);
                fence = Long.parseLong(line.substring(5));
                try (ActiveLeaseClient other = ActiveLeaseClient.open(new ActiveLeaseClient.Config("ls", 2,
                        agents.addresses, agents.key, ActiveLeaseClientTest.TIMEOUTS,
                        ActiveLeaseClientTest.identity(2)))) {
                    assertTrue(other.tryAcquire(ResourceId.parse("ls/counter"), Duration.ofSeconds(1),
                            LeaseOptions.EXCLUSIVE).isEmpty(), "the live holder keeps it");
                    holder.destroyForcibly();
                    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                    long start = System.nanoTime();
                    Lease taken = other.tryAcquire(ResourceId.parse("ls/counter"), Duration.ofSeconds(60),
                            LeaseOptions.EXCLUSIVE).orElseThrow();
                    long tookMs = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(taken.fence() > fence, taken.fence() + " after " + fence);
                    assertTrue(tookMs < 30_000, "failover took " + tookMs + " ms");
                    taken.release();
                }
            } finally {
                holder.destroyForcibly();
            }
        }
    }
}
