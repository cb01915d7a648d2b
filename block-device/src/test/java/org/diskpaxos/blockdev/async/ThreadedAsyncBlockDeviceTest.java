package org.diskpaxos.blockdev.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The threaded AsyncBlockDevice honours the contract: one on-time result per I/O, on the loop and never inside the
 * submitting call; on timeout a TIMED_OUT result and later exactly one late result, with the buffer claimed until
 * then; bad requests throw at submission; limits give FAILED results instead of blocking.
 */
class ThreadedAsyncBlockDeviceTest {
    private static final int SECTOR = 512;
    private static final long WAIT_S = 10;

    private ThreadedEventLoop loop;
    private StallableBlockDevice disk;
    private ThreadedAsyncBlockDevice dev;
    private final BlockingQueue<Delivered> results = new LinkedBlockingQueue<>();

    /** A result as the callback saw it: on which thread, and whether its buffer was free at that moment. */
    record Delivered(IoResult result, boolean onLoop, boolean bufferFree) {
    }

    @BeforeEach
    void start() {
        loop = new ThreadedEventLoop("test-loop");
        disk = new StallableBlockDevice(64 * SECTOR, SECTOR);
        dev = new ThreadedAsyncBlockDevice(disk, loop, 2, 8);
    }

    @AfterEach
    void stop() throws IOException {
        disk.unstall();
        dev.close();
        loop.close();
        disk.close();
    }

    private IoCallback collect(IoBuffer buffer) {
        return r -> results.add(new Delivered(r, loop.inLoop(), buffer == null || !buffer.inFlight()));
    }

    private Delivered next() throws InterruptedException {
        Delivered d = results.poll(WAIT_S, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError("no result within " + WAIT_S + " s");
        }
        return d;
    }

    private void assertNoMoreResults() throws InterruptedException {
        assertTrue(loop.drain(WAIT_S, TimeUnit.SECONDS));
        assertNull(results.poll(100, TimeUnit.MILLISECONDS), "an extra result arrived");
    }

    private static IoBuffer filled(int capacity, byte value) {
        ByteBuffer b = ByteBuffer.allocate(capacity);
        for (int i = 0; i < capacity; i++) {
            b.put(i, value);
        }
        return new IoBuffer(b);
    }

    private byte[] onDisk(long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        disk.inner.read(offset, b);
        return b.array();
    }

    @Test
    void oneOnTimeResultOnTheLoopAndNeverInsideTheSubmittingCall() throws Exception {
        IoBuffer buf = filled(SECTOR, (byte) 1);
        AtomicBoolean submitReturned = new AtomicBoolean();
        AtomicBoolean deliveredBeforeReturn = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            dev.write(1, SECTOR, buf, SECTOR, 1_000_000_000L, r -> {
                deliveredBeforeReturn.set(!submitReturned.get());
                results.add(new Delivered(r, loop.inLoop(), !buf.inFlight()));
                done.countDown();
            });
            submitReturned.set(true);
        });
        assertTrue(done.await(WAIT_S, TimeUnit.SECONDS));
        Delivered d = next();
        assertFalse(deliveredBeforeReturn.get(), "result delivered inside the submitting call");
        assertEquals(new IoResult(1, IoResult.Kind.WRITE, IoResult.Status.OK, null, false), d.result());
        assertTrue(d.onLoop() && d.bufferFree());
        assertNoMoreResults();
    }

    @Test
    void transfersCoverExactlyTheRequestedLengthOfTheBuffer() throws Exception {
        IoBuffer buf = filled(3 * SECTOR, (byte) 9);
        dev.write(1, 2 * SECTOR, buf, 2 * SECTOR, 0, collect(buf));
        assertTrue(next().result().ok());
        assertArrayEquals(filled(2 * SECTOR, (byte) 9).bytes().array(), onDisk(2 * SECTOR, 2 * SECTOR));
        assertArrayEquals(new byte[SECTOR], onDisk(4 * SECTOR, SECTOR), "wrote past the requested length");

        IoBuffer back = filled(3 * SECTOR, (byte) 0x11);
        dev.read(2, 2 * SECTOR, back, 2 * SECTOR, 0, collect(back));
        Delivered d = next();
        assertEquals(IoResult.Kind.READ, d.result().kind());
        assertTrue(d.result().ok());
        assertEquals(9, back.bytes().get(0));
        assertEquals(9, back.bytes().get(2 * SECTOR - 1));
        assertEquals(0x11, back.bytes().get(2 * SECTOR), "read past the requested length");
    }

    @Test
    void timeoutThenExactlyOneLateResultWithTheBufferClaimedUntilThen() throws Exception {
        disk.stall();
        IoBuffer buf = filled(SECTOR, (byte) 5);
        long startNs = loop.nowNs();
        dev.write(7, 0, buf, SECTOR, 50_000_000L, collect(buf));
        Delivered timedOut = next();
        long elapsedNs = loop.nowNs() - startNs;
        assertEquals(new IoResult(7, IoResult.Kind.WRITE, IoResult.Status.TIMED_OUT, null, false), timedOut.result());
        assertTrue(elapsedNs >= 50_000_000L, "timed out early after " + elapsedNs + " ns");
        assertTrue(timedOut.onLoop());
        assertFalse(timedOut.bufferFree(), "buffer must stay claimed after a timeout");
        assertTrue(buf.inFlight());
        IllegalStateException reuse = assertThrows(IllegalStateException.class,
                () -> dev.write(8, 0, buf, SECTOR, 0, collect(buf)));
        assertTrue(reuse.getMessage().contains("still owned"), reuse.getMessage());

        disk.unstall();
        Delivered late = next();
        assertEquals(new IoResult(7, IoResult.Kind.WRITE, IoResult.Status.OK, null, true), late.result());
        assertTrue(late.onLoop() && late.bufferFree());
        assertFalse(buf.inFlight());
        assertArrayEquals(filled(SECTOR, (byte) 5).bytes().array(), onDisk(0, SECTOR), "the late write did land");
        assertNoMoreResults();
    }

    @Test
    void aLateFailureIsReportedAsTheLateResult() throws Exception {
        disk.stall();
        disk.failNext(new IOException("stallable: injected EIO"));
        IoBuffer buf = filled(SECTOR, (byte) 3);
        dev.read(1, 0, buf, SECTOR, 20_000_000L, collect(buf));
        assertEquals(IoResult.Status.TIMED_OUT, next().result().status());
        disk.unstall();
        Delivered late = next();
        assertEquals(IoResult.Status.FAILED, late.result().status());
        assertTrue(late.result().late());
        assertEquals("stallable: injected EIO", late.result().error().getMessage());
        assertNoMoreResults();
    }

    @Test
    void anOnTimeFailureIsOneFailedResult() throws Exception {
        disk.failNext(new IOException("stallable: injected EIO"));
        IoBuffer buf = filled(SECTOR, (byte) 3);
        dev.write(1, 0, buf, SECTOR, 1_000_000_000L, collect(buf));
        Delivered d = next();
        assertEquals(IoResult.Status.FAILED, d.result().status());
        assertFalse(d.result().late());
        assertTrue(d.bufferFree());
        assertArrayEquals(new byte[SECTOR], onDisk(0, SECTOR));
        assertNoMoreResults();
    }

    @Test
    void badRequestsThrowAtSubmissionAndClaimNothing() throws Exception {
        IoBuffer buf = filled(2 * SECTOR, (byte) 1);
        assertThrows(IllegalArgumentException.class, () -> dev.write(1, 100, buf, SECTOR, 0, collect(buf)));
        assertThrows(IllegalArgumentException.class, () -> dev.write(1, 0, buf, 100, 0, collect(buf)));
        assertThrows(IllegalArgumentException.class, () -> dev.write(1, 0, buf, 4 * SECTOR, 0, collect(buf)));
        assertThrows(IllegalArgumentException.class,
                () -> dev.read(1, 64 * SECTOR - SECTOR, buf, 2 * SECTOR, 0, collect(buf)));
        assertThrows(IllegalArgumentException.class, () -> dev.read(1, -SECTOR, buf, SECTOR, 0, collect(buf)));
        assertFalse(buf.inFlight());
        assertEquals(0, disk.started.get(), "no I/O may reach the device");
        assertNoMoreResults();
    }

    @Test
    void syncGetsOneResult() throws Exception {
        dev.sync(3, 1_000_000_000L, collect(null));
        assertEquals(new IoResult(3, IoResult.Kind.SYNC, IoResult.Status.OK, null, false), next().result());
        assertNoMoreResults();
    }

    @Test
    void withoutATimeoutAStalledIoWaitsAsLongAsItTakes() throws Exception {
        disk.stall();
        IoBuffer buf = filled(SECTOR, (byte) 2);
        dev.write(1, 0, buf, SECTOR, 0, collect(buf));
        assertNull(results.poll(200, TimeUnit.MILLISECONDS));
        disk.unstall();
        assertEquals(IoResult.Status.OK, next().result().status());
        assertNoMoreResults();
    }

    @Test
    void pastTheInFlightLimitSubmissionsFailInsteadOfBlocking() throws Exception {
        disk.stall();
        IoBuffer[] bufs = new IoBuffer[9];
        for (int i = 0; i < 8; i++) {
            bufs[i] = filled(SECTOR, (byte) i);
            dev.write(i, (long) i * SECTOR, bufs[i], SECTOR, 0, collect(bufs[i]));
        }
        bufs[8] = filled(SECTOR, (byte) 8);
        dev.write(8, 8L * SECTOR, bufs[8], SECTOR, 0, collect(bufs[8]));
        Delivered refused = next();
        assertEquals(8, refused.result().ioId());
        assertEquals(IoResult.Status.FAILED, refused.result().status());
        assertTrue(refused.result().error().getMessage().contains("queue full"));
        assertTrue(refused.bufferFree());
        disk.unstall();
        for (int i = 0; i < 8; i++) {
            assertEquals(IoResult.Status.OK, next().result().status());
        }
        assertArrayEquals(new byte[SECTOR], onDisk(8L * SECTOR, SECTOR), "the refused write must not happen");
        assertNoMoreResults();
    }

    @Test
    void anIoThatTimedOutWhileQueuedIsNeverPerformed() throws Exception {
        dev.close();
        dev = new ThreadedAsyncBlockDevice(disk, loop, 1, 8);
        disk.stall();
        IoBuffer first = filled(SECTOR, (byte) 1);
        dev.write(1, 0, first, SECTOR, 0, collect(first));
        disk.awaitStarted(1);
        IoBuffer second = filled(SECTOR, (byte) 2);
        dev.write(2, SECTOR, second, SECTOR, 30_000_000L, collect(second));
        Delivered timedOut = next();
        assertEquals(2, timedOut.result().ioId());
        assertEquals(IoResult.Status.TIMED_OUT, timedOut.result().status());
        disk.unstall();
        Delivered a = next();
        Delivered b = next();
        assertEquals(1, a.result().ioId());
        assertTrue(a.result().ok());
        assertEquals(2, b.result().ioId());
        assertTrue(b.result().late());
        assertEquals(IoResult.Status.FAILED, b.result().status());
        assertTrue(b.result().error().getMessage().contains("not performed"));
        assertArrayEquals(new byte[SECTOR], onDisk(SECTOR, SECTOR), "a timed-out queued write must never land");
        assertNoMoreResults();
    }

    @Test
    void closeFailsQueuedAndLaterIos() throws Exception {
        dev.close();
        dev = new ThreadedAsyncBlockDevice(disk, loop, 1, 8);
        disk.stall();
        IoBuffer running = filled(SECTOR, (byte) 1);
        dev.write(1, 0, running, SECTOR, 0, collect(running));
        disk.awaitStarted(1);
        IoBuffer queued = filled(SECTOR, (byte) 2);
        dev.write(2, SECTOR, queued, SECTOR, 0, collect(queued));
        dev.close();
        IoBuffer after = filled(SECTOR, (byte) 3);
        dev.write(3, 2 * SECTOR, after, SECTOR, 0, collect(after));
        disk.unstall();
        int failed = 0;
        for (int i = 0; i < 3; i++) {
            Delivered d = next();
            assertTrue(d.bufferFree());
            if (d.result().ioId() != 1) {
                assertEquals(IoResult.Status.FAILED, d.result().status(), "I/O " + d.result().ioId());
                failed++;
            }
        }
        assertEquals(2, failed);
        assertArrayEquals(new byte[SECTOR], onDisk(SECTOR, SECTOR));
        assertArrayEquals(new byte[SECTOR], onDisk(2 * SECTOR, SECTOR));
        assertNoMoreResults();
    }
}
