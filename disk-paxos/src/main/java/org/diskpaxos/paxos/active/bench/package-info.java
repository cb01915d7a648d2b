/** {@code dplock bench --mode active}: Active Disk Paxos decision latency and throughput against running agents. */
package org.diskpaxos.paxos.active.bench;
