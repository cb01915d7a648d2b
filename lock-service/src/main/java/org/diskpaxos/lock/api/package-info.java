/**
 * The lease API: {@link org.diskpaxos.lock.api.LeaseClient} acquires {@link org.diskpaxos.lock.api.Lease}s on
 * resources named {@code LOCKSPACE/RESOURCE}. Every lease carries a fencing token (its lease version, strictly
 * increasing per resource), a state (HELD → SUSPECT → LOST, or RELEASED) that follows its own monotonic deadline,
 * and a {@code lost()} future; it can be released from any thread, and releasing a lost lease is not an error.
 */
package org.diskpaxos.lock.api;
