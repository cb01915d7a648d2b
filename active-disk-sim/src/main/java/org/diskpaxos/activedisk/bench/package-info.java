/**
 * {@code dplock agent-bench}: the active-disk agent's costs measured side by side in one run on this machine —
 * a loopback TCP round trip, one fdatasync on the agent's device, the agent's round trip without a sync, and
 * rrWrite latency with 1 and 64 concurrent clients, with and without group commit. The consensus-level benchmark
 * ({@code dplock bench --mode active}) comes with the client register.
 */
package org.diskpaxos.activedisk.bench;
