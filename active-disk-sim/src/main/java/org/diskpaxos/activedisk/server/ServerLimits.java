package org.diskpaxos.activedisk.server;

import org.diskpaxos.activedisk.wire.Frame;

/**
 * The agent server's bounds. Memory per connection is at most one frame being read plus
 * {@code outputBytesPerConnectionMax} of replies (and one frame over it); requests in the core are bounded per
 * connection and in total. A connection at a bound is not read from (TCP pushes back on the client) until replies
 * drain.
 *
 * @param connectionsMax               open connections; more are accepted and closed at once (counted)
 * @param frameBytesMax                largest frame accepted; a longer length prefix closes the connection
 * @param inFlightPerConnectionMax     requests of one connection in the core at once
 * @param inFlightTotalMax             requests of all connections in the core at once
 * @param outputBytesPerConnectionMax  reply bytes queued for a client that does not read
 * @param handshakeTimeoutMs           time for a new connection to authenticate
 */
public record ServerLimits(int connectionsMax, int frameBytesMax, int inFlightPerConnectionMax, int inFlightTotalMax,
        int outputBytesPerConnectionMax, long handshakeTimeoutMs) {
    public static final int CONNECTIONS_LIMIT = 65_536;
    /** The smallest frame limit an agent may set: above the largest request (a compare-and-write, 588 bytes). */
    public static final int FRAME_BYTES_LIMIT_MIN = 1024;

    public ServerLimits {
        if (connectionsMax < 1 || connectionsMax > CONNECTIONS_LIMIT) {
            throw new IllegalArgumentException("max connections must be 1 to " + CONNECTIONS_LIMIT + ", got "
                    + connectionsMax);
        }
        if (frameBytesMax < FRAME_BYTES_LIMIT_MIN || frameBytesMax > Frame.FRAME_BYTES_MAX) {
            throw new IllegalArgumentException("max frame bytes must be " + (FRAME_BYTES_LIMIT_MIN) + " to "
                    + Frame.FRAME_BYTES_MAX + ", got " + frameBytesMax);
        }
        if (inFlightPerConnectionMax < 1 || inFlightTotalMax < inFlightPerConnectionMax
                || inFlightTotalMax > 1 << 20) {
            throw new IllegalArgumentException("in-flight limits must satisfy 1 <= per connection (" 
                    + inFlightPerConnectionMax + ") <= total (" + inFlightTotalMax + ") <= " + (1 << 20));
        }
        if (outputBytesPerConnectionMax < Frame.FRAME_BYTES_MAX || handshakeTimeoutMs < 1) {
            throw new IllegalArgumentException("output buffer must hold at least one frame and the handshake "
                    + "timeout must be positive");
        }
    }

    public static ServerLimits defaults() {
        return new ServerLimits(256, Frame.FRAME_BYTES_MAX, 256, 16_384, 1 << 20, 5_000);
    }
}
