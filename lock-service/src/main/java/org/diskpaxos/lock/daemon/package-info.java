/**
 * The lock daemon of one host ({@code dplock daemon}): {@link org.diskpaxos.lock.daemon.LockDaemon} joins the
 * configured lockspaces, serves local clients on a Unix socket ({@link org.diskpaxos.lock.daemon.Frame}), ties leases
 * to client connections, fences the holders of lost leases, rejoins lost lockspaces, and reports to systemd,
 * Prometheus and its log. {@link org.diskpaxos.lock.daemon.DaemonLeaseClient} is the daemon-backed
 * {@code LeaseClient}; {@link org.diskpaxos.lock.daemon.ValidityFile} lets holders stop on time without the daemon.
 * Configuration keys, protocol, fencing timeline: docs/daemon.md.
 */
package org.diskpaxos.lock.daemon;
