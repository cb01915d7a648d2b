/**
 * Several hosts on one machine, for {@code dplock demo} and the multi-process tests: each "host" is a real
 * {@code dplock daemon} process with its own host id and socket on shared disks ({@link
 * org.diskpaxos.lock.cluster.LocalCluster}); clients are real {@code dplock run} processes incrementing a shared
 * counter under one lock ({@link org.diskpaxos.lock.cluster.CounterWorkload}); and {@link
 * org.diskpaxos.lock.cluster.CounterLog} checks what they wrote: no lost increment, fencing tokens only growing, no
 * two critical sections overlapping. Every process started is registered and killed when the cluster closes, or when
 * the JVM exits.
 */
package org.diskpaxos.lock.cluster;
