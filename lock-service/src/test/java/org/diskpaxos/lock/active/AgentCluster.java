package org.diskpaxos.lock.active;

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

/** Three real agents in this JVM, each on its own device file, listening on loopback: for active-mode tests. */
final class AgentCluster implements AutoCloseable {
    final Path keyFile;
    final AgentKey key;
    final List<Path> devicePaths = new ArrayList<>();
    final List<InetSocketAddress> addresses = new ArrayList<>();
    private final List<AgentDevice> devices = new ArrayList<>();
    private final List<AgentServer> servers = new ArrayList<>();
    private final java.util.Set<Integer> stopped = new java.util.HashSet<>();

    AgentCluster(Path dir, int agents) throws IOException {
        keyFile = dir.resolve("agent.key");
        key = AgentKey.generate(keyFile);
        try {
            for (int a = 0; a < agents; a++) {
                Path device = dir.resolve("agent" + a + ".img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("agent-" + a,
                        new AgentGeometry(512, 64, 4, 0)), line -> { });
                devicePaths.add(device);
                start(a, device, new InetSocketAddress("127.0.0.1", 0));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start(int a, Path device, InetSocketAddress listen) throws IOException {
        AgentDevice d = AgentDevice.open(device, new CoreOptions(true, 1024), line -> { });
        AgentServer s = AgentServer.start(d, key, listen, ServerLimits.defaults(), line -> { });
        if (a < devices.size()) {
            devices.set(a, d);
            servers.set(a, s);
        } else {
            devices.add(d);
            servers.add(s);
            addresses.add(s.address());
        }
    }

    /** Stops agent {@code a} (its device closed, as a crash after its last fdatasync). */
    void stop(int a) throws IOException {
        stopped.add(a);
        servers.get(a).close();
        devices.get(a).close();
    }

    /** Starts agent {@code a} again on its device, at its old address. */
    void restart(int a) throws IOException {
        start(a, devicePaths.get(a), addresses.get(a));
        stopped.remove(a);
    }

    @Override
    public void close() throws IOException {
        for (int a = 0; a < servers.size(); a++) {
            if (stopped.add(a)) {
                servers.get(a).close();
                devices.get(a).close();
            }
        }
    }
}
