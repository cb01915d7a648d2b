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
import org.diskpaxos.lock.active.ActiveLeaseClient;
import org.diskpaxos.lock.api.LeaseClient;
import org.diskpaxos.lock.api.ResourceId;
import org.diskpaxos.lock.core.HostIdentity;
import org.diskpaxos.lock.core.LeaseTimeouts;

/**
 * {@code --mode active-lease}: leases in active mode. Starts one agent per "disk" of the layout in this process
 * (each on its own device file in the work directory, with group commit, on loopback TCP with a fresh key) and joins
 * them as host 1 through an {@link ActiveLeaseClient}. The layout's host slots and sector size do not apply: agents
 * keep one register per heartbeat and per resource, whatever the number of hosts. No io floor row: the agents'
 * floor (a loopback round trip and an fdatasync) is what {@code dplock bench --mode active} reports.
 */
public final class ActiveLeaseBenchMode implements BenchMode {

    public static final String NAME = "active-lease";
    static final String LOCKSPACE = "bench";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Setup open(BenchLayout layout, int resources, LeaseTimeouts timeouts, Path workDir) throws Exception {
        AgentKey key = AgentKey.generate(workDir.resolve("agent.key"));
        List<AgentDevice> devices = new ArrayList<>();
        List<AgentServer> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        Runnable stop = () -> {
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
        };
        try {
            for (int a = 0; a < layout.disks(); a++) {
                Path device = workDir.resolve("agent" + a + ".img");
                AgentDevice.initialise(device, new AgentDevice.InitOptions("bench-agent-" + a,
                        new AgentGeometry(512, resources + 16, 8, 0)), line -> { });
                AgentDevice d = AgentDevice.open(device, new CoreOptions(true, 1024), line -> { });
                devices.add(d);
                AgentServer s = AgentServer.start(d, key, new InetSocketAddress("127.0.0.1", 0),
                        ServerLimits.defaults(), line -> { });
                servers.add(s);
                addresses.add(s.address());
            }
            ActiveLeaseClient client = ActiveLeaseClient.open(new ActiveLeaseClient.Config(LOCKSPACE, 1, addresses, key,
                    timeouts, HostIdentity.local()));
            List<ResourceId> ids = new ArrayList<>();
            for (int r = 0; r < resources; r++) {
                ids.add(new ResourceId(LOCKSPACE, "r" + r));
            }
            return new Setup() {
                @Override
                public LeaseClient client() {
                    return client;
                }

                @Override
                public List<ResourceId> resources() {
                    return ids;
                }

                @Override
                public void close() {
                    client.close();
                    stop.run();
                }
            };
        } catch (Exception | Error e) {
            stop.run();
            throw e;
        }
    }
}
