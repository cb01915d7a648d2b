/**
 * The real agent: {@link org.diskpaxos.activedisk.server.AgentDevice} (open or initialise a device, load the core,
 * sync before serving), {@link org.diskpaxos.activedisk.server.AgentServer} (NIO, authentication, flow control,
 * the sync thread), {@link org.diskpaxos.activedisk.server.AgentMain} ({@code dplock agent}).
 *
 * <h2>Running one</h2>
 * <pre>
 *   dplock agent-key --out /etc/dplock/agent.key                      # once; copy to every agent and client
 *   dplock agent --device /var/lib/dplock/agent.img --key /etc/dplock/agent.key --init --name a1
 *   dplock agent --device /var/lib/dplock/agent.img --key /etc/dplock/agent.key --listen 10.0.0.5:7450
 * </pre>
 * The first run with {@code --init} creates and formats the device and starts serving; later runs serve it.
 * {@code --init} is refused on a device that already holds an agent (its registers would be lost). If the device
 * fails, the agent stops with exit code 1 rather than answer without durability; restart it (a supervisor should)
 * and it reloads its registers from the device.
 *
 * <p><b>Do not re-initialise an agent that others still count on.</b> A fresh device has {@code R = 0} everywhere:
 * to a ranked register it is an agent that forgot everything. Clients can refuse such an agent by its id
 * ({@code AgentClientOptions#withExpectedAgentId}); bringing one back safely is the register's job.
 */
package org.diskpaxos.activedisk.server;
