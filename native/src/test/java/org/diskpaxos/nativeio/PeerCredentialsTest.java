package org.diskpaxos.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SO_PEERCRED on a JDK Unix-domain channel gives the peer's real pid, uid and gid, on both ends of a connection. */
class PeerCredentialsTest {

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void bothEndsSeeThisProcess() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("api.sock"));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = server.accept()) {
                PeerCredentials ofClient = PeerCredentials.of(accepted);
                assertEquals(new PeerCredentials(ProcessHandle.current().pid(), uid, gid), ofClient);
                PeerCredentials ofServer = PeerCredentials.of(client);
                assertEquals(ProcessHandle.current().pid(), ofServer.pid());
            }
        }
    }

    @Test
    void aTcpChannelIsRefused() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                assertThrows(IllegalArgumentException.class, () -> PeerCredentials.of(client));
            }
        }
    }

    @Test
    void anUnconnectedChannelIsAnError() throws IOException {
        try (SocketChannel unconnected = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            unconnected.bind(null);
            IOException e = assertThrows(IOException.class, () -> PeerCredentials.of(unconnected));
            assertEquals(true, e.getMessage().contains("not connected"), e.getMessage());
        }
    }
}
