/**
 * The pure core of the Active Disk Paxos client: {@link org.diskpaxos.paxos.active.core.ActiveClientCore} turns
 * operations and agent replies into requests and outcomes ({@link org.diskpaxos.paxos.active.core.ClientIo}); no
 * clock, thread, randomness or I/O ({@code ActivePurityTest}). {@code ActiveResource} drives it in production and in
 * the simulator; {@code ActiveModelCheck} drives it through every interleaving of a small model.
 *
 * <p>Glossary: <em>R</em>, <em>W</em>, <em>V</em> as in the paper; <em>fence</em>, a majority of
 * {@code rrReadFrom} answers; <em>op</em>, one rrRead or rrWrite, named by the driver's id.
 */
package org.diskpaxos.paxos.active.core;
