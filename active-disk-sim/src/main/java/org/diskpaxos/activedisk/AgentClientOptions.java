package org.diskpaxos.activedisk;

/**
 * How an {@link AgentClient} behaves.
 *
 * @param clientName          sent in the hello, for the agent's logs
 * @param inFlightMax         requests waiting for a reply at once; more get {@link AgentReply.Unavailable} at once
 * @param connectTimeoutMs    for TCP connect plus the hello exchange
 * @param reconnectMinMs      first delay before reconnecting after a failure; doubles per failure in a row
 * @param reconnectMaxMs      largest reconnect delay
 * @param expectedAgentId     null, or the 32-hex-digit id the agent must present (a re-initialised agent has
 *                            lost its registers and gets a new id: refusing it protects the register's safety)
 */
public record AgentClientOptions(String clientName, int inFlightMax, long connectTimeoutMs, long reconnectMinMs,
        long reconnectMaxMs, String expectedAgentId) {
    public static final int IN_FLIGHT_LIMIT = 1 << 16;

    public AgentClientOptions {
        if (clientName == null || inFlightMax < 1 || inFlightMax > IN_FLIGHT_LIMIT || connectTimeoutMs < 1
                || reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("bad client options: in flight " + inFlightMax + " (1 to "
                    + IN_FLIGHT_LIMIT + "), connect timeout " + connectTimeoutMs + " ms, reconnect " + reconnectMinMs
                    + " to " + reconnectMaxMs + " ms");
        }
        if (expectedAgentId != null && !expectedAgentId.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("expected agent id must be 32 lower-case hex digits, got '"
                    + expectedAgentId + "'");
        }
    }

    public static AgentClientOptions defaults(String clientName) {
        return new AgentClientOptions(clientName, 1024, 2_000, 10, 1_000, null);
    }

    public AgentClientOptions withExpectedAgentId(String id) {
        return new AgentClientOptions(clientName, inFlightMax, connectTimeoutMs, reconnectMinMs, reconnectMaxMs, id);
    }

    public AgentClientOptions withInFlightMax(int max) {
        return new AgentClientOptions(clientName, max, connectTimeoutMs, reconnectMinMs, reconnectMaxMs,
                expectedAgentId);
    }
}
