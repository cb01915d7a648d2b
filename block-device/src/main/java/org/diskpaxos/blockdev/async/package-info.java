/**
 * Timed asynchronous sector I/O: the {@link org.diskpaxos.blockdev.async.AsyncBlockDevice} contract every protocol
 * driver uses, the {@link org.diskpaxos.blockdev.async.EventLoop} its results arrive on, and the production
 * implementations: {@link org.diskpaxos.blockdev.async.ThreadedEventLoop} (one thread, {@code System.nanoTime}) and
 * {@link org.diskpaxos.blockdev.async.ThreadedAsyncBlockDevice} (a {@code BlockDevice} driven by worker threads with
 * per-I/O timeouts). The simulator implements the same two interfaces in virtual time.
 */
package org.diskpaxos.blockdev.async;
