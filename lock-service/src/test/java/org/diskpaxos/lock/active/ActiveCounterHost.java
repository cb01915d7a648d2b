package org.diskpaxos.lock.active;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.lock.api.Lease;
import org.diskpaxos.lock.api.LeaseOptions;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.LeaseTimeouts;

/**
 * A host of the multi-process test, in its own JVM: joins an active lockspace and increments a counter file under an
 * exclusive lease, round after round. The counter file is "storage" that checks fencing tokens: it keeps the last
 * token, and a write with a lower one is a violation (exit 3). Then prints {@code DONE}; in hold mode it prints
 * {@code HELD <fence>} after one acquire and holds the lease until killed.
 *
 * <p>Arguments: {@code KEY_FILE RESOURCE HOST_ID IO_TIMEOUT_MS ROUNDS|hold COUNTER_FILE AGENT...} (agents as
 * {@code host:port}).
 */
public final class ActiveCounterHost {
    private ActiveCounterHost() {
    }

    public static void main(String[] argv) throws Exception {
        AgentKey key = AgentKey.load(Path.of(argv[0]));
        ResourceId resource = ResourceId.parse(argv[1]);
        int hostId = Integer.parseInt(argv[2]);
        LeaseTimeouts timeouts = LeaseTimeouts.ofIoTimeout(Duration.ofMillis(Long.parseLong(argv[3])));
        boolean hold = argv[4].equals("hold");
        int rounds = hold ? 1 : Integer.parseInt(argv[4]);
        Path counter = Path.of(argv[5]);
        List<InetSocketAddress> agents = new ArrayList<>();
        for (int i = 6; i < argv.length; i++) {
            String[] hp = argv[i].split(":");
            agents.add(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
        }
        try (ActiveLeaseClient client = ActiveLeaseClient.open(new ActiveLeaseClient.Config(resource.lockspace(),
                hostId, agents, key, timeouts, ActiveLeaseClientTest.identity(hostId)))) {
            for (int r = 0; r < rounds; r++) {
                Lease lease = client.acquire(resource, LeaseOptions.EXCLUSIVE);
                if (hold) {
                    System.out.println("HELD " + lease.fence());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                lease.checkValid();
                String[] state = Files.readString(counter).trim().split(" ");
                long value = Long.parseLong(state[0]);
                long lastFence = Long.parseLong(state[1]);
                if (lease.fence() <= lastFence) {
                    System.out.println("FENCE VIOLATION: token " + lease.fence() + " after " + lastFence);
                    System.exit(3);
                }
                Thread.sleep(10); // the work: long enough that two holders at once would lose increments
                Files.writeString(counter, (value + 1) + " " + lease.fence() + "\n", StandardCharsets.US_ASCII,
                        StandardOpenOption.TRUNCATE_EXISTING);
                lease.release();
            }
        }
        System.out.println("DONE");
    }
}
