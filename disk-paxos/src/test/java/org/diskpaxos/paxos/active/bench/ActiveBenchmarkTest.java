package org.diskpaxos.paxos.active.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.server.AgentDevice;
import org.diskpaxos.activedisk.server.AgentServer;
import org.diskpaxos.activedisk.server.ServerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision benchmark against three real agents in this JVM: clients decide, every decision after a client's
 * first is answered by its fence (one write round), the floor is measured, and both report formats carry the
 * figures.
 */
class ActiveBenchmarkTest {

    @Test
    void decidesOnTheFastPathAndReportsTheFloor(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("key");
        AgentKey key = AgentKey.generate(keyFile);
        List<AgentDevice> devices = new ArrayList<>();
        List<AgentServer> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try {
            for (int a = 0; a < 3; a++) {
                Path device = dir.resolve("agent" + a + ".img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("a" + a, new AgentGeometry(512, 16, 4, 0)),
                        line -> { });
                AgentDevice d = AgentDevice.open(device, new CoreOptions(true, 1024), line -> { });
                devices.add(d);
                AgentServer s = AgentServer.start(d, key, new InetSocketAddress("127.0.0.1", 0),
                        ServerLimits.defaults(), line -> { });
                servers.add(s);
                addresses.add(s.address());
            }
            ActiveBenchmark.Report r = ActiveBenchmark.run(new ActiveBenchmark.Config(addresses, keyFile, dir,
                    400_000_000L, 100_000_000L, 4, 0), null);
            assertTrue(r.decisions().count() > 10, "too few decisions: " + r.decisions());
            assertEquals(0, r.failed());
            assertEquals(4, r.networkReads(), "one fencing read per client, then the fast path: " + r);
            assertTrue(r.fenceReads() >= r.decisions().count(), "decisions without the fence: " + r);
            assertTrue(r.loopbackRttNs() > 0 && r.fdatasyncNs() > 0, "no floor measured: " + r);
            assertTrue(r.decisions().p50Ns() > 0 && r.decisions().p99Ns() >= r.decisions().p50Ns());
            assertTrue(ActiveBenchmark.formatText(r).contains("decisions/s"));
            assertTrue(ActiveBenchmark.formatJson(r).contains("\"decisions\":" + r.decisions().count()));
        } finally {
            for (AgentServer s : servers) {
                s.close();
            }
            for (AgentDevice d : devices) {
                d.close();
            }
        }
    }
}
