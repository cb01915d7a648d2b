package org.diskpaxos.lock.cli;

import java.nio.file.Path;
import org.diskpaxos.lock.daemon.DaemonConfig;

/** Where commands find the daemon: {@code --socket}, else {@code $DPLOCK_SOCKET}, else the default path. */
final class DaemonAddress {
    private DaemonAddress() {
    }

    static Path socket(Args args) {
        String flag = args.string("socket", null);
        if (flag != null) {
            return Path.of(flag);
        }
        String env = System.getenv("DPLOCK_SOCKET");
        return env != null && !env.isBlank() ? Path.of(env) : DaemonConfig.DEFAULT_SOCKET;
    }
}
