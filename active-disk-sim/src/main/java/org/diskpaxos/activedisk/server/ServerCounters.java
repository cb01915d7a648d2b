package org.diskpaxos.activedisk.server;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.wire.FrameVerdict;

/** What the network side of the agent counts; added to {@code stat} replies. Touched by the server thread only. */
final class ServerCounters {
    long connectionsAccepted;
    long connectionsRefused;
    long connectionsOpen;
    long handshakes;
    long handshakeTimeouts;
    long framesIn;
    long framesOut;
    long bytesIn;
    long bytesOut;
    long requestsMalformed;
    long requestsUnknownType;
    long repliesDropped;
    long readPauses;
    final EnumMap<FrameVerdict, Long> rejected = new EnumMap<>(FrameVerdict.class);

    void reject(FrameVerdict v) {
        rejected.merge(v, 1L, Long::sum);
    }

    long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    List<AgentReply.Counter> list() {
        List<AgentReply.Counter> c = new ArrayList<>();
        c.add(new AgentReply.Counter("connections_accepted", connectionsAccepted));
        c.add(new AgentReply.Counter("connections_refused", connectionsRefused));
        c.add(new AgentReply.Counter("connections_open", connectionsOpen));
        c.add(new AgentReply.Counter("handshakes", handshakes));
        c.add(new AgentReply.Counter("handshake_timeouts", handshakeTimeouts));
        c.add(new AgentReply.Counter("frames_in", framesIn));
        c.add(new AgentReply.Counter("frames_out", framesOut));
        c.add(new AgentReply.Counter("bytes_in", bytesIn));
        c.add(new AgentReply.Counter("bytes_out", bytesOut));
        c.add(new AgentReply.Counter("requests_malformed", requestsMalformed));
        c.add(new AgentReply.Counter("requests_unknown_type", requestsUnknownType));
        c.add(new AgentReply.Counter("replies_dropped", repliesDropped));
        c.add(new AgentReply.Counter("read_pauses", readPauses));
        c.add(new AgentReply.Counter("frames_rejected", rejectedTotal()));
        for (FrameVerdict v : FrameVerdict.values()) {
            if (v != FrameVerdict.OK) {
                c.add(new AgentReply.Counter("rejected_" + v.name().toLowerCase(Locale.ROOT),
                        rejected.getOrDefault(v, 0L)));
            }
        }
        return c;
    }
}
