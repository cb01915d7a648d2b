/**
 * A runnable example of the embedded lease API ({@code ./dplock example}): format a lockspace on files, join it,
 * hold a lease with its fencing token, watch it turn LOST after a process pause, and see fenced storage refuse the
 * stale token.
 */
package org.diskpaxos.lock.example;
