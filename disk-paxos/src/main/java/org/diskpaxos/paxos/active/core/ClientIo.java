package org.diskpaxos.paxos.active.core;

import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.ActiveValue;

/** What {@link ActiveClientCore} asks its driver to do. */
public sealed interface ClientIo {

    /** Send {@code request} to agent {@code agent} for operation {@code op}; its reply goes to {@code onReply}. */
    record Send(long op, int agent, AgentRequest request) implements ClientIo {
    }

    /** Agent {@code agent} did not answer operation {@code op}; call {@code retry} after the retry delay. */
    record RetryLater(long op, int agent) implements ClientIo {
    }

    /** Read {@code op} ended; cancel its deadline and deliver {@code outcome}. */
    record ReadDone(long op, RankedRegister.ReadOutcome<ActiveValue> outcome) implements ClientIo {
    }

    /** Write {@code op} ended; cancel its deadline and deliver {@code outcome}. */
    record WriteDone(long op, RankedRegister.Outcome outcome) implements ClientIo {
    }
}
