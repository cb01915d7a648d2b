package org.diskpaxos.blockdev.async;

/**
 * Timed, asynchronous sector I/O: the interface every protocol driver uses, backed in production by a
 * {@link org.diskpaxos.blockdev.BlockDevice} and worker threads, and in the simulator by simulated disks with
 * fault decorators.
 *
 * <p>Contract (shared by all implementations, tested by one contract suite):
 * <ul>
 *   <li>Submission never blocks and never throws for device failures; failures arrive as results.
 *       Misaligned or out-of-range requests, and buffers still in flight, throw at submission and do nothing.</li>
 *   <li>Results are delivered on the device's {@link EventLoop}, never inside the submitting call.</li>
 *   <li>Every I/O yields exactly one on-time result; a timed-out one yields one late result after it
 *       (see {@link IoResult}). {@code timeoutNs <= 0} means no timeout.</li>
 *   <li>The buffer is claimed from submission until the device is really done with it ({@link IoBuffer}).</li>
 *   <li>Transfers cover {@code [0, lengthBytes)} of the buffer.</li>
 * </ul>
 */
public interface AsyncBlockDevice extends AutoCloseable {

    String name();

    long sizeBytes();

    int logicalSectorSizeBytes();

    void read(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback callback);

    void write(long ioId, long offsetBytes, IoBuffer buffer, int lengthBytes, long timeoutNs, IoCallback callback);

    /** Makes completed writes durable; a no-op for devices whose writes are already durable. */
    void sync(long ioId, long timeoutNs, IoCallback callback);

    @Override
    void close();
}
