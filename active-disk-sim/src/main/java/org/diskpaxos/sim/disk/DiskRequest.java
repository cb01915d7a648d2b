package org.diskpaxos.sim.disk;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One I/O travelling down a simulated disk's stage stack. Immutable except for the fault marks; decorators that
 * change where or what an I/O transfers make a derived request ({@link #slice}, {@link #redirect},
 * {@link #withBuffer}) whose marks propagate to the original, so the per-host view and the checkers can tell which
 * I/Os a fault touched.
 *
 * <p>Reads put data into {@code buffer[bufferOffset, bufferOffset + lengthBytes)}; writes take it from there, at
 * the instant the medium applies them (the buffer belongs to the I/O until it completes).
 */
public final class DiskRequest {
    public enum Kind { READ, WRITE, SYNC }

    private final long requestId;
    private final int diskIndex;
    private final int hostIndex;
    private final int incarnation;
    private final long ioId;
    private final Kind kind;
    private final long offsetBytes;
    private final int lengthBytes;
    private final ByteBuffer buffer;
    private final int bufferOffset;
    private final DiskRequest parent;
    private int faultMarks;

    /** An original request as submitted by a host's view. {@code buffer} is null for a sync. */
    public DiskRequest(long requestId, int diskIndex, int hostIndex, int incarnation, long ioId, Kind kind,
            long offsetBytes, int lengthBytes, ByteBuffer buffer) {
        this(requestId, diskIndex, hostIndex, incarnation, ioId, kind, offsetBytes, lengthBytes, buffer, 0, null);
    }

    private DiskRequest(long requestId, int diskIndex, int hostIndex, int incarnation, long ioId, Kind kind,
            long offsetBytes, int lengthBytes, ByteBuffer buffer, int bufferOffset, DiskRequest parent) {
        this.requestId = requestId;
        this.diskIndex = diskIndex;
        this.hostIndex = hostIndex;
        this.incarnation = incarnation;
        this.ioId = ioId;
        this.kind = Objects.requireNonNull(kind);
        this.offsetBytes = offsetBytes;
        this.lengthBytes = lengthBytes;
        this.buffer = buffer;
        this.bufferOffset = bufferOffset;
        this.parent = parent;
        if (kind != Kind.SYNC && (buffer == null || bufferOffset < 0 || bufferOffset + lengthBytes > buffer.capacity())) {
            throw new IllegalArgumentException("request " + requestId + ": buffer does not cover the transfer");
        }
    }

    /** The part {@code [offsetBytes, offsetBytes + lengthBytes)} of this transfer (same buffer, shifted). */
    public DiskRequest slice(long subOffsetBytes, int subLengthBytes) {
        if (subOffsetBytes < offsetBytes || subOffsetBytes + subLengthBytes > offsetBytes + lengthBytes) {
            throw new IllegalArgumentException("slice outside request " + requestId);
        }
        return new DiskRequest(requestId, diskIndex, hostIndex, incarnation, ioId, kind, subOffsetBytes, subLengthBytes,
                buffer, bufferOffset + (int) (subOffsetBytes - offsetBytes), this);
    }

    /** The same transfer at another place on the disk (a misdirected I/O). */
    public DiskRequest redirect(long newOffsetBytes) {
        return new DiskRequest(requestId, diskIndex, hostIndex, incarnation, ioId, kind, newOffsetBytes, lengthBytes,
                buffer, bufferOffset, this);
    }

    /** The same transfer with data from another buffer (e.g. a corrupted copy of what the host wrote). */
    public DiskRequest withBuffer(ByteBuffer newBuffer, int newBufferOffset) {
        return new DiskRequest(requestId, diskIndex, hostIndex, incarnation, ioId, kind, offsetBytes, lengthBytes,
                newBuffer, newBufferOffset, this);
    }

    /** Records that {@code fault} touched this I/O, here and in every request it was derived from. */
    public void mark(DiskFaultKind fault) {
        for (DiskRequest r = this; r != null; r = r.parent) {
            r.faultMarks |= fault.bit();
        }
    }

    public boolean isMarked(DiskFaultKind fault) {
        return (faultMarks & fault.bit()) != 0;
    }

    public int faultMarks() {
        return faultMarks;
    }

    /** The request the host submitted. */
    public DiskRequest root() {
        DiskRequest r = this;
        while (r.parent != null) {
            r = r.parent;
        }
        return r;
    }

    public long requestId() {
        return requestId;
    }

    public int diskIndex() {
        return diskIndex;
    }

    public int hostIndex() {
        return hostIndex;
    }

    public int incarnation() {
        return incarnation;
    }

    public long ioId() {
        return ioId;
    }

    public Kind kind() {
        return kind;
    }

    public long offsetBytes() {
        return offsetBytes;
    }

    public int lengthBytes() {
        return lengthBytes;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int bufferOffset() {
        return bufferOffset;
    }

    @Override
    public String toString() {
        return kind + " #" + requestId + " disk " + diskIndex + " host " + hostIndex + " io " + ioId + " ["
                + offsetBytes + ", +" + lengthBytes + ")";
    }
}
