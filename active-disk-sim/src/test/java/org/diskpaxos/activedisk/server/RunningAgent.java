package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentClientOptions;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.AgentTransport;
import org.diskpaxos.activedisk.TestKeys;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;

/** A real agent in this JVM on a file under target/, listening on a loopback port, plus clients for it. */
public final class RunningAgent implements AutoCloseable {
    public final Path dir;
    public final Path devicePath;
    public final AgentKey key;
    public final AgentDevice device;
    public final AgentServer server;
    public final ThreadedEventLoop loop = new ThreadedEventLoop("test-client-loop");
    public final AgentTransport transport;
    private final List<AgentClient> clients = new ArrayList<>();
    public final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

    private RunningAgent(Path dir, Path devicePath, AgentKey key, AgentDevice device, AgentServer server)
            throws IOException {
        this.dir = dir;
        this.devicePath = devicePath;
        this.key = key;
        this.device = device;
        this.server = server;
        this.transport = AgentTransport.start("test-transport");
    }

    public static RunningAgent start(AgentGeometry geometry, CoreOptions core, ServerLimits limits)
            throws IOException {
        return start(geometry, core, limits, s -> s);
    }

    /** As {@link #start(AgentGeometry, CoreOptions, ServerLimits)}, with the device's storage wrapped. */
    public static RunningAgent start(AgentGeometry geometry, CoreOptions core, ServerLimits limits,
            java.util.function.UnaryOperator<AgentStorage> wrap) throws IOException {
        Path dir = TestKeys.scratch("agent");
        AgentKey key = TestKeys.keyFile(dir, "key");
        Path devicePath = dir.resolve("agent.img");
        List<String> log = new ArrayList<>();
        AgentDevice.initialise(devicePath, new AgentDevice.InitOptions("test", geometry), log::add);
        AgentDevice device = AgentDevice.load(wrap.apply(FileAgentStorage.open(devicePath)), core, log::add);
        AgentServer server = AgentServer.start(device, key, new InetSocketAddress("127.0.0.1", 0), limits, log::add);
        RunningAgent a = new RunningAgent(dir, devicePath, key, device, server);
        a.log.addAll(log);
        return a;
    }

    /** Serves an existing agent device again, as a restarted agent. */
    public static RunningAgent reopen(RunningAgent old, CoreOptions core) throws IOException {
        List<String> log = new ArrayList<>();
        AgentDevice device = AgentDevice.open(old.devicePath, core, log::add);
        AgentServer server = AgentServer.start(device, old.key, new InetSocketAddress("127.0.0.1", 0),
                ServerLimits.defaults(), log::add);
        RunningAgent a = new RunningAgent(old.dir, old.devicePath, old.key, device, server);
        a.log.addAll(log);
        return a;
    }

    /** A restarted agent on the same device and port, for a client that must reconnect on its own. */
    public record AgentOnPort(AgentDevice device, AgentServer server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            server.close();
            device.close();
        }
    }

    /** Closes {@code old}'s device (its server must be closed) and serves it again on {@code port}. */
    public static AgentOnPort reopenOnPort(RunningAgent old, int port) throws IOException {
        old.device.close();
        AgentDevice device = AgentDevice.open(old.devicePath, CoreOptions.defaults(), line -> { });
        AgentServer server = AgentServer.start(device, old.key, new InetSocketAddress("127.0.0.1", port),
                ServerLimits.defaults(), line -> { });
        return new AgentOnPort(device, server);
    }

    public static RunningAgent start() throws IOException {
        return start(new AgentGeometry(512, 64, 8, 16), CoreOptions.defaults(), ServerLimits.defaults());
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public AgentClient client(String name) {
        AgentClient c = transport.connect(address(), key, loop, AgentClientOptions.defaults(name));
        clients.add(c);
        return c;
    }

    @Override
    public void close() throws IOException {
        for (AgentClient c : clients) {
            loop.execute(c::close);
        }
        transport.close();
        server.close();
        try {
            device.close();
        } catch (IOException e) {
            // already closed by reopenOnPort
        }
        loop.close();
    }
}
