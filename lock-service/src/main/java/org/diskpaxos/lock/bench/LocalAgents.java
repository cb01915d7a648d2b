package org.diskpaxos.lock.bench;

import java.io.IOException;
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

/**
 * Active-disk agents started in this JVM for a benchmark: each on its own device file in a work directory, with
 * group commit, on loopback TCP, sharing a fresh key.
 */
final class LocalAgents implements AutoCloseable {
    final Path keyFile;
    final AgentKey key;
    final List<InetSocketAddress> addresses = new ArrayList<>();
    private final List<AgentDevice> devices = new ArrayList<>();
    private final List<AgentServer> servers = new ArrayList<>();

    LocalAgents(Path workDir, int agents, int resources) throws IOException {
        keyFile = workDir.resolve("agent.key");
        key = AgentKey.generate(keyFile);
        try {
            for (int a = 0; a < agents; a++) {
                Path device = workDir.resolve("agent" + a + ".img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("bench-agent-" + a,
                        new AgentGeometry(512, resources + 64, 8, 0)), line -> { });
                AgentDevice d = AgentDevice.open(device, new CoreOptions(true, 1024), line -> { });
                devices.add(d);
                AgentServer s = AgentServer.start(d, key, new InetSocketAddress("127.0.0.1", 0),
                        ServerLimits.defaults(), line -> { });
                servers.add(s);
                addresses.add(s.address());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The agents as {@code host:port} arguments. */
    List<String> addressArgs() {
        List<String> a = new ArrayList<>();
        for (InetSocketAddress s : addresses) {
            a.add(s.getHostString() + ":" + s.getPort());
        }
        return a;
    }

    @Override
    public void close() {
        for (AgentServer s : servers) {
            s.close();
        }
        for (AgentDevice d : devices) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing after the run or a failure: nothing more to do with this device
            }
        }
    }
}
