package org.diskpaxos.lock.api;

/**
 * Where a {@link Lease} is in its life. It only moves forward: HELD → SUSPECT → LOST, or to RELEASED.
 * <ul>
 *   <li>{@code HELD}: the host's liveness lease is being renewed on time.</li>
 *   <li>{@code SUSPECT}: a renewal is overdue; the lease is still valid until {@link Lease#validUntilNanos()}, but
 *       finish or pause work that must not outlive it.</li>
 *   <li>{@code LOST}: the validity deadline passed (or the host's membership was lost): another host may hold the
 *       resource soon. Stop using it; writes carrying its fencing token will be rejected by fenced storage.</li>
 *   <li>{@code RELEASED}: released by its holder.</li>
 * </ul>
 */
public enum LeaseState { HELD, SUSPECT, LOST, RELEASED }
