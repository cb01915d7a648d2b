package org.diskpaxos.blockdev.async;

/** Receives the results of asynchronous I/O, on the device's {@link EventLoop}. See {@link IoResult}. */
@FunctionalInterface
public interface IoCallback {
    void onResult(IoResult result);
}
