package org.diskpaxos.activedisk.core;

import java.util.List;
import org.diskpaxos.activedisk.AgentReply;

/** What the {@link AgentCore} asks its driver to do. */
public sealed interface CoreOutput {

    /**
     * Write every sector of {@code writes} (distinct sectors, in sector order; any order or in parallel), then
     * sync the device, then call {@link AgentCore#batchDone}. At most one batch is out at a time.
     */
    record Flush(long batchId, List<SectorWrite> writes) implements CoreOutput {
        public Flush {
            writes = List.copyOf(writes);
        }
    }

    /** Send {@code reply} to {@code client} for its request {@code requestId}; it is durable already. */
    record Reply(long client, long requestId, AgentReply reply) implements CoreOutput {
    }
}
