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
 * Active-disk agents started in this JVM, for benchmarks and tests: each on its own device file in a work
 * directory, with group commit, on loopback TCP, sharing a fresh key ({@code agent.key} in the directory).
 */
public final class LocalAgents implements AutoCloseable {
    public final Path keyFile;
    public final AgentKey key;
    /** The agents' addresses, in order; an agent restarted keeps its address. */
    public final List<InetSocketAddress> addresses = new ArrayList<>();
    private final List<Path> devicePaths = new ArrayList<>();
    private final List<AgentDevice> devices = new ArrayList<>();
    private final List<AgentServer> servers = new ArrayList<>();
    private final java.util.Set<Integer> stopped = new java.util.HashSet<>();

    /** Starts {@code agents} agents, each with room for {@code resources} resources and 64 heartbeats. */
    public LocalAgents(Path workDir, int agents, int resources) throws IOException {
        keyFile = workDir.resolve("agent.key");
        key = AgentKey.generate(keyFile);
        try {
            for (int a = 0; a < agents; a++) {
                Path device = workDir.resolve("agent" + a + ".img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("agent-" + a,
                        new AgentGeometry(512, resources + 64, 8, 0)), line -> { });
                devicePaths.add(device);
                start(a, new InetSocketAddress("127.0.0.1", 0));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void start(int a, InetSocketAddress listen) throws IOException {
        AgentDevice d = AgentDevice.open(devicePaths.get(a), new CoreOptions(true, 1024), line -> { });
        AgentServer s;
        try {
            s = AgentServer.start(d, key, listen, ServerLimits.defaults(), line -> { });
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        if (a < devices.size()) {
            devices.set(a, d);
            servers.set(a, s);
        } else {
            devices.add(d);
            servers.add(s);
            addresses.add(s.address());
        }
    }

    /** Stops agent {@code a}, as a crash after its last acknowledged write. */
    public void stop(int a) throws IOException {
        if (stopped.add(a)) {
            servers.get(a).close();
            devices.get(a).close();
        }
    }

    /** Starts agent {@code a} again on its device, at its old address. */
    public void restart(int a) throws IOException {
        start(a, addresses.get(a));
        stopped.remove(a);
    }

    /** The agents as {@code host:port} arguments. */
    public List<String> addressArgs() {
        List<String> a = new ArrayList<>();
        for (InetSocketAddress s : addresses) {
            a.add(s.getHostString() + ":" + s.getPort());
        }
        return a;
    }

    @Override
    public void close() {
        for (int a = 0; a < servers.size(); a++) {
            if (stopped.add(a)) {
                servers.get(a).close();
                try {
                    devices.get(a).close();
                } catch (IOException ignored) {
                    // closing after the run or a failure: nothing more to do with this device
                }
            }
        }
    }
}
