package org.diskpaxos.lock.active;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.diskpaxos.lock.api.LeaseMode;
import org.diskpaxos.lock.api.RequestMode;
import org.diskpaxos.paxos.active.ActiveValue;

/**
 * The value decided by one consensus instance (lease version) of a resource in active mode: the whole lease state
 * after that version, so the newest decided instance alone says who holds the resource (agents keep only the newest
 * few instances).
 * <pre>
 *   0  u32 magic 0x44504c52 ("DPLR")   4  u8 version (1)   5  u8 mode (0 free, 1 exclusive, 2 shared)
 *   6  u8 holders                      7  u8 lock value block length (0..64)
 *   8  u8 request (0 none, 1 graceful, 2 force)            9  u8 reserved   10 u16 requesting host id
 *   12 holders: u16 host id, u32 generation, u64 since (the version that granted it: the holder's fencing token)
 *   .. lock value block
 * </pre>
 * Big-endian, at most 256 bytes: so at most {@value #HOLDERS_MAX} shared holders at once.
 */
record LeaseRecord(LeaseMode mode, List<Holder> holders, byte[] lvb, RequestMode request, int requesterHostId) {
    static final int MAGIC = 0x44504c52;
    static final int VERSION = 1;
    static final int LVB_BYTES_MAX = 64;
    static final int HEADER_BYTES = 12;
    static final int HOLDER_BYTES = 14;
    static final int HOLDERS_MAX = (ActiveValue.BYTES_MAX - HEADER_BYTES - LVB_BYTES_MAX) / HOLDER_BYTES;

    /** The state before the first version: free, no lock value block. */
    static final LeaseRecord FREE = new LeaseRecord(null, List.of(), new byte[0], null, 0);

    /** One holder: a host incarnation and the version that granted it. */
    record Holder(int hostId, long generation, long since) {
        Holder {
            if (hostId < 1 || hostId > 0xffff || generation < 1 || generation > 0xffff_ffffL || since < 1) {
                throw new IllegalArgumentException("holder out of range: host " + hostId + " generation "
                        + generation + " since " + since);
            }
        }

        boolean is(int host, long gen) {
            return hostId == host && generation == gen;
        }
    }

    /** @param mode null when free; holders empty exactly then */
    LeaseRecord {
        holders = List.copyOf(holders);
        Objects.requireNonNull(lvb, "lvb");
        lvb = lvb.clone();
        if ((mode == null) != holders.isEmpty() || mode == LeaseMode.EXCLUSIVE && holders.size() != 1
                || holders.size() > HOLDERS_MAX || lvb.length > LVB_BYTES_MAX) {
            throw new IllegalArgumentException("bad lease record: " + mode + " with " + holders.size()
                    + " holders, lock value block of " + lvb.length + " bytes");
        }
        if (request == null ? requesterHostId != 0 : requesterHostId < 1 || requesterHostId > 0xffff) {
            throw new IllegalArgumentException("bad request: " + request + " by host " + requesterHostId);
        }
    }

    @Override
    public byte[] lvb() {
        return lvb.clone();
    }

    boolean isFree() {
        return mode == null;
    }

    /** This record's holder that is {@code (hostId, generation)}, or null. */
    Holder holder(int hostId, long generation) {
        for (Holder h : holders) {
            if (h.is(hostId, generation)) {
                return h;
            }
        }
        return null;
    }

    /** The state after {@code holder} left it; an exclusive holder's lock value block replaces the old one. */
    LeaseRecord without(Holder holder, byte[] newLvb) {
        List<Holder> rest = new ArrayList<>(holders);
        rest.remove(holder);
        return new LeaseRecord(rest.isEmpty() ? null : mode, rest, newLvb != null ? newLvb : lvb, null, 0);
    }

    /** The state with {@code holder} alone (exclusive) or added to {@code kept} shared holders. */
    LeaseRecord granting(LeaseMode m, Holder holder, List<Holder> kept) {
        List<Holder> all = new ArrayList<>(m == LeaseMode.SHARED ? kept : List.of());
        all.add(holder);
        return new LeaseRecord(m, all, lvb, null, 0);
    }

    LeaseRecord requested(RequestMode m, int byHost) {
        return new LeaseRecord(mode, holders, lvb, m, byHost);
    }

    ActiveValue encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + HOLDER_BYTES * holders.size() + lvb.length);
        b.putInt(MAGIC).put((byte) VERSION).put((byte) (mode == null ? 0 : mode == LeaseMode.EXCLUSIVE ? 1 : 2))
                .put((byte) holders.size()).put((byte) lvb.length)
                .put((byte) (request == null ? 0 : request == RequestMode.GRACEFUL ? 1 : 2)).put((byte) 0)
                .putShort((short) requesterHostId);
        for (Holder h : holders) {
            b.putShort((short) h.hostId()).putInt((int) h.generation()).putLong(h.since());
        }
        b.put(lvb);
        return ActiveValue.of(b.array());
    }

    /** Decodes a decided value; throws {@link IllegalArgumentException} naming the problem for anything else. */
    static LeaseRecord decode(ActiveValue value) {
        byte[] bytes = value.bytes();
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int magic = b.getInt();
            int version = b.get() & 0xff;
            if (magic != MAGIC || version != VERSION) {
                throw new IllegalArgumentException(String.format("not a lease record (magic %08x, version %d)",
                        magic, version));
            }
            int m = b.get() & 0xff;
            int count = b.get() & 0xff;
            int lvbLength = b.get() & 0xff;
            int r = b.get() & 0xff;
            b.get();
            int requester = b.getShort() & 0xffff;
            if (m > 2 || r > 2) {
                throw new IllegalArgumentException("lease record with mode " + m + ", request " + r);
            }
            List<Holder> holders = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                holders.add(new Holder(b.getShort() & 0xffff, b.getInt() & 0xffff_ffffL, b.getLong()));
            }
            byte[] lvb = new byte[lvbLength];
            b.get(lvb);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("lease record has " + b.remaining() + " trailing bytes");
            }
            return new LeaseRecord(m == 0 ? null : m == 1 ? LeaseMode.EXCLUSIVE : LeaseMode.SHARED, holders, lvb,
                    r == 0 ? null : r == 1 ? RequestMode.GRACEFUL : RequestMode.FORCE, requester);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("lease record of " + bytes.length + " bytes is cut short");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeaseRecord r && mode == r.mode && holders.equals(r.holders) && Arrays.equals(lvb, r.lvb)
                && request == r.request && requesterHostId == r.requesterHostId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, holders, Arrays.hashCode(lvb), request, requesterHostId);
    }

    @Override
    public String toString() {
        return (mode == null ? "FREE" : mode + " " + holders) + (request == null ? "" : " requested " + request
                + " by host " + requesterHostId) + (lvb.length == 0 ? "" : " lvb " + lvb.length + " bytes");
    }
}
