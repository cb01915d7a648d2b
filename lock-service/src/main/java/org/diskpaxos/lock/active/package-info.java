/**
 * Leases in active mode: the lease layer over active-disk agents instead of passive disks. Host liveness is a
 * heartbeat register per host id ({@link org.diskpaxos.lock.active.ActiveLockspace}); a resource lease is a
 * sequence of consensus instances on {@link org.diskpaxos.paxos.active.ActiveRankedRegister}s, one per lease
 * version, each deciding the whole lease state ({@link org.diskpaxos.lock.active.ActiveLeases}); the lease API for
 * applications is {@link org.diskpaxos.lock.active.ActiveLeaseClient}. Same semantics, timeline
 * ({@link org.diskpaxos.lock.core.LeaseTimeouts}) and self-fencing as disk mode; see docs/leases.md.
 */
package org.diskpaxos.lock.active;
