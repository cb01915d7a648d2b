package org.diskpaxos.activedisk.server;

import static org.diskpaxos.activedisk.Calls.call;
import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentClient;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.junit.jupiter.api.Test;

/**
 * When the device fails a sync, the agent answers the waiting request STORAGE_FAILED (never COMMITTED), stops,
 * and reports why, so that a supervisor restarts it and it reloads from the device.
 */
class AgentStorageFailureTest {

    @Test
    void aFailedSyncIsAnsweredAsSuchAndStopsTheAgent() throws Exception {
        boolean[] failSyncs = {false};
        try (RunningAgent agent = RunningAgent.start(new AgentGeometry(512, 8, 2, 0), CoreOptions.defaults(),
                ServerLimits.defaults(), s -> new GatedStorage(s) {
                    @Override
                    public void sync() throws IOException {
                        if (failSyncs[0]) {
                            throw new IOException("EIO (injected)");
                        }
                        super.sync();
                    }
                })) {
            AgentClient c = agent.client("victim");
            assertInstanceOf(AgentReply.RrWriteResult.class, call(c, new AgentRequest.RrWrite("x", 0, rank(1, 1),
                    new byte[] {1})));
            failSyncs[0] = true;
            AgentReply.Error e = assertInstanceOf(AgentReply.Error.class,
                    call(c, new AgentRequest.RrWrite("x", 0, rank(2, 1), new byte[] {2})));
            assertEquals(ErrorCode.STORAGE_FAILED, e.code());
            assertTrue(e.message().contains("EIO (injected)") && e.message().contains("restart"), e.message());
            assertTrue(agent.server.awaitStop(10, TimeUnit.SECONDS), "the agent stops");
            String why = agent.server.awaitStop();
            assertTrue(why != null && why.contains("EIO (injected)"), why);
        }
    }
}
