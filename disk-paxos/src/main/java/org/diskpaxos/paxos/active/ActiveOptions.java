package org.diskpaxos.paxos.active;

/**
 * How an {@link ActiveResource} talks to its agents.
 *
 * @param requestTimeoutNs how long one request to one agent may go unanswered before it is sent again
 * @param opDeadlineNs     how long one rrRead or rrWrite may take in all; then it ends {@code Unavailable} (or
 *                         {@code Aborted} if an agent aborted it), never later
 * @param retryDelayNs     the pause before asking an agent again that did not answer
 * @param fastPath         read with {@code rrReadFrom} and answer later reads of the same rank from that fence, so
 *                         a stable proposer pays one write round per decision ({@code ActiveClientCore})
 */
public record ActiveOptions(long requestTimeoutNs, long opDeadlineNs, long retryDelayNs, boolean fastPath) {
    /** The longest deadline accepted: an hour. */
    public static final long DEADLINE_NS_MAX = 3_600_000_000_000L;

    public ActiveOptions {
        if (requestTimeoutNs <= 0 || opDeadlineNs <= 0 || retryDelayNs <= 0 || opDeadlineNs > DEADLINE_NS_MAX
                || requestTimeoutNs > opDeadlineNs || retryDelayNs > opDeadlineNs) {
            throw new IllegalArgumentException("need 0 < request timeout (" + requestTimeoutNs + " ns) <= deadline ("
                    + opDeadlineNs + " ns) <= " + DEADLINE_NS_MAX + " ns and 0 < retry delay (" + retryDelayNs
                    + " ns) <= deadline");
        }
    }

    /** Defaults for agents on a LAN: 500 ms per request, 2 s per operation, 10 ms between retries, fast path. */
    public static ActiveOptions defaults() {
        return new ActiveOptions(500_000_000L, 2_000_000_000L, 10_000_000L, true);
    }

    public ActiveOptions withFastPath(boolean on) {
        return new ActiveOptions(requestTimeoutNs, opDeadlineNs, retryDelayNs, on);
    }
}
