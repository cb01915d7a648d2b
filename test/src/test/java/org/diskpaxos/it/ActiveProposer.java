package org.diskpaxos.it;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.activedisk.server.AgentOptions;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.diskpaxos.paxos.Consensus;
import org.diskpaxos.paxos.RandomSource;
import org.diskpaxos.paxos.active.ActiveOptions;
import org.diskpaxos.paxos.active.ActiveResource;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;

/**
 * One JVM of {@link MultiProcessActiveTest}: {@code processes} consensus processes (a fresh {@link ProcessId} and
 * {@link ActiveResource} each) on real agents, each deciding instances 0 to {@code instances - 1} of one resource
 * with the unchanged {@link Consensus} over {@link org.diskpaxos.paxos.active.ActiveRankedRegister}s. Prints
 * {@code DECIDED <wall ms> <instance> <value>} per decision, {@code SUPERSEDED <instance>} when an instance was
 * compacted before it got there, and {@code DONE} at the end; exit 1 if a process failed to finish in time.
 *
 * <p>{@code main(agents "host:port,...", keyFile, jvmName, processes, instances)}.
 */
public final class ActiveProposer {
    private static final long TIME_LIMIT_MS = 120_000;

    private ActiveProposer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String a : args[0].split(",")) {
            addresses.add(AgentOptions.parseAddress(a, "agent address"));
        }
        AgentKey key = AgentKey.load(Path.of(args[1]));
        String name = args[2];
        int processes = Integer.parseInt(args[3]);
        int instances = Integer.parseInt(args[4]);
        PrintStream out = System.out;
        CountDownLatch done = new CountDownLatch(processes);
        try (AgentTransport transport = AgentTransport.start(name);
                ThreadedEventLoop loop = new ThreadedEventLoop(name)) {
            List<AgentConnection> agents = new ArrayList<>();
            for (InetSocketAddress a : addresses) {
                agents.add(transport.connect(a, key, loop, AgentClientOptions.defaults(name)));
            }
            Consensus<ActiveValue> consensus = new Consensus<>(loop, RandomSource.seeded(System.nanoTime()),
                    2_000_000L, 8);
            ActiveOptions options = new ActiveOptions(300_000_000L, 1_500_000_000L, 20_000_000L, true);
            loop.execute(() -> {
                for (int p = 0; p < processes; p++) {
                    ActiveResource resource = new ActiveResource("it", agents, ProcessId.random(), options);
                    new Chain(consensus, resource, name + "." + p, instances, out, done).propose(0);
                }
            });
            if (!done.await(TIME_LIMIT_MS, TimeUnit.MILLISECONDS)) {
                out.println("TIMEOUT " + done.getCount() + " processes unfinished");
                out.flush();
                System.exit(1);
            }
            out.println("DONE");
            out.flush();
        }
        System.exit(0);
    }

    /** One process: instance after instance. */
    private record Chain(Consensus<ActiveValue> consensus, ActiveResource resource, String who, int instances,
                         PrintStream out, CountDownLatch done) {
        void propose(long instance) {
            if (instance >= instances) {
                done.countDown();
                return;
            }
            ActiveValue value = ActiveValue.ofUtf8(who + "." + instance);
            consensus.propose(resource.register(instance), resource.nextRank(), value, decision -> {
                if (decision instanceof Consensus.Decision.Decided<ActiveValue> d) {
                    synchronized (out) {
                        out.println("DECIDED " + System.currentTimeMillis() + " " + instance + " " + d.value().utf8());
                        out.flush();
                    }
                    propose(instance + 1);
                } else if (decision instanceof Consensus.Decision.Superseded<ActiveValue> s) {
                    out.println("SUPERSEDED " + instance);
                    propose(Math.max(instance + 1, s.instanceSeen()));
                } else {
                    // A majority was unreachable for a while (an agent restarting and another slow): try again.
                    resource.loop().schedule(50_000_000L, () -> propose(instance));
                }
            });
        }
    }
}
