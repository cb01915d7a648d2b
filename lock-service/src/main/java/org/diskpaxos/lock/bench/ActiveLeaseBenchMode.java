package org.diskpaxos.lock.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        LocalAgents agents = new LocalAgents(workDir, layout.disks(), resources);
        try {
            ActiveLeaseClient client = ActiveLeaseClient.open(new ActiveLeaseClient.Config(LOCKSPACE, 1,
                    agents.addresses, agents.key, timeouts, HostIdentity.local()));
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
                    agents.close();
                }
            };
        } catch (Exception | Error e) {
            agents.close();
            throw e;
        }
    }
}
