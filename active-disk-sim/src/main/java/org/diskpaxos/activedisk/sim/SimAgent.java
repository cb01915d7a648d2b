package org.diskpaxos.activedisk.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.core.AgentCore;
import org.diskpaxos.activedisk.core.CoreLoader;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.core.CoreOutput;
import org.diskpaxos.activedisk.core.SectorWrite;
import org.diskpaxos.activedisk.format.AgentFormat;
import org.diskpaxos.activedisk.format.Decoded;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.activedisk.wire.MessageCodec;
import org.diskpaxos.blockdev.async.AsyncBlockDevice;
import org.diskpaxos.blockdev.async.IoBuffer;
import org.diskpaxos.blockdev.async.IoResult;
import org.diskpaxos.sim.HostContext;

/**
 * An active-disk agent on a simulated host: the same {@link AgentCore} as the real agent, fed by
 * {@link org.diskpaxos.sim.net.SimNetwork} messages and persisting on the host's {@link AsyncBlockDevice} (a
 * simulated disk with its faults). One per host incarnation: a crash loses everything in memory and in flight, and
 * the restarted host's agent reloads from the disk, as a real agent process does.
 *
 * <p>The disk must hold an agent device already ({@link #formatImage}, what {@code dplock agent --init} writes),
 * as an administrator initialises an agent before starting it. Life: read the superblock (while it is not valid,
 * retry: a faulty disk may keep the agent down for good); load every sector; sync once (what it read may be unsynced writes of the previous incarnation, and it is about to
 * answer from them); serve. Until then requests get {@link ErrorCode#STARTING}. A failed batch makes the core
 * answer {@code STORAGE_FAILED}; the agent then reloads from the disk, like a supervised process restarting. A
 * failed read while loading retries after {@value #RETRY_DELAY_NS} ns.
 *
 * <p>Disk I/O has no timeout: a stalled or stopped disk delays the agent, whose clients time out.
 */
public final class SimAgent {
    static final long RETRY_DELAY_NS = 5_000_000;
    static final int LOAD_CHUNK_SECTORS = 32;
    /** Client sessions remembered (for replies and duplicate suppression); the oldest is forgotten beyond this. */
    static final int SESSIONS_MAX = 1024;

    /** What the simulation's checkers watch. All calls happen on the agent's loop. */
    public interface Observer {
        /** The core is (re)built from the disk and about to serve. */
        void loaded(SimAgent agent);

        /** The core's state may have changed. */
        void changed(SimAgent agent);

        /** {@code reply} to {@code request} goes out to {@code clientAddress}. */
        void replySent(SimAgent agent, int clientAddress, AgentRequest request, AgentReply reply);

        /** A batch failed; the agent reloads. */
        void storageFailed(SimAgent agent, String why);
    }

    private final HostContext host;
    private final AsyncBlockDevice disk;
    private final CoreOptions options;
    private final Observer observer;
    private final int sectorSize;
    private AgentCore core;
    private int epoch;
    private long nextIoId = 1;
    private long nextToken = 1;
    private final TreeMap<SessionKey, Session> sessions = new TreeMap<>();
    private final TreeMap<Long, Session> byToken = new TreeMap<>();
    private final TreeMap<TokenRequest, AgentRequest> outstanding = new TreeMap<>();
    private final List<CoreOutput> outputs = new ArrayList<>();
    private long loads;
    private long duplicatesDropped;
    private long malformedDropped;

    private record SessionKey(int address, long session) implements Comparable<SessionKey> {
        @Override
        public int compareTo(SessionKey o) {
            int c = Integer.compare(address, o.address);
            return c != 0 ? c : Long.compare(session, o.session);
        }
    }

    private record TokenRequest(long token, long requestId) implements Comparable<TokenRequest> {
        @Override
        public int compareTo(TokenRequest o) {
            int c = Long.compare(token, o.token);
            return c != 0 ? c : Long.compare(requestId, o.requestId);
        }
    }

    private static final class Session {
        final SessionKey key;
        final long token;
        final ReplayWindow window = new ReplayWindow();

        Session(SessionKey key, long token) {
            this.key = key;
            this.token = token;
        }
    }

    /** An agent serving {@code disk}, which must hold an agent device of the disk's sector size. */
    public SimAgent(HostContext host, AsyncBlockDevice disk, CoreOptions options, Observer observer) {
        this.host = Objects.requireNonNull(host);
        this.disk = Objects.requireNonNull(disk);
        this.options = Objects.requireNonNull(options);
        this.observer = Objects.requireNonNull(observer);
        this.sectorSize = disk.logicalSectorSizeBytes();
    }

    /**
     * Writes {@link #formatImage} straight onto {@code disk}'s medium, bypassing its faults: the administrator's
     * {@code --init} before the simulated cluster starts.
     */
    public static void installImage(org.diskpaxos.sim.disk.SimDisk disk, Superblock superblock) {
        byte[] image = formatImage(superblock);
        if (image.length > disk.geometry().sizeBytes()
                || disk.geometry().sectorSizeBytes() != superblock.geometry().sectorSizeBytes()) {
            throw new IllegalArgumentException(disk.name() + " cannot hold an agent image of " + image.length
                    + " bytes in " + superblock.geometry().sectorSizeBytes() + "-byte sectors");
        }
        disk.medium().submit(new org.diskpaxos.sim.disk.DiskRequest(-1, disk.index(), -1, 0, -1,
                org.diskpaxos.sim.disk.DiskRequest.Kind.WRITE, 0, image.length, ByteBuffer.wrap(image)), outcome -> { });
    }

    /** The whole image {@code --init} gives a device of {@code superblock}'s layout, superblock included. */
    public static byte[] formatImage(Superblock superblock) {
        int size = superblock.geometry().sectorSizeBytes();
        long count = superblock.geometry().sectorCount();
        if (count * size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("agent image of " + count * size + " bytes is too large to build");
        }
        byte[] image = new byte[(int) (count * size)];
        for (long i = 0; i < count; i++) {
            System.arraycopy(AgentFormat.initialSector(superblock, i), 0, image, (int) (i * size), size);
        }
        return image;
    }

    /** Binds the host's endpoint and starts loading; call on the host's loop. */
    public void start() {
        host.endpoint().bind(host.loop(), this::onMessage);
        boot();
    }

    public int hostIndex() {
        return host.hostIndex();
    }

    public int incarnation() {
        return host.incarnation();
    }

    /** The core, once loaded; null while loading. Checkers read it; nobody else may touch it. */
    public AgentCore core() {
        return core;
    }

    public boolean ready() {
        return core != null && !core.failed();
    }

    public long loads() {
        return loads;
    }

    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    public long malformedDropped() {
        return malformedDropped;
    }

    // ------------------------------------------------------------------ loading

    private void boot() {
        int e = ++epoch;
        core = null;
        outstanding.clear();
        IoBuffer head = new IoBuffer(ByteBuffer.allocate(sectorSize));
        disk.read(nextIoId++, 0, head, sectorSize, 0, r -> {
            if (e != epoch) {
                return;
            }
            if (!r.ok()) {
                retry(e);
                return;
            }
            Decoded<Superblock> sb = Superblock.decode(bytes(head, sectorSize));
            if (!sb.isValid()) {
                retry(e);
                return;
            }
            load(e, sb.value());
        });
    }

    private void retry(int e) {
        host.loop().schedule(RETRY_DELAY_NS, () -> {
            if (e == epoch) {
                boot();
            }
        });
    }

    private void syncThen(int e, Runnable next) {
        disk.sync(nextIoId++, 0, r -> {
            if (e != epoch) {
                return;
            }
            if (r.ok()) {
                next.run();
            } else {
                retry(e);
            }
        });
    }

    /** Sector ranges [first, first + n) covering 1..count-1. */
    private static List<long[]> chunks(long count) {
        List<long[]> out = new ArrayList<>();
        for (long first = 1; first < count; first += LOAD_CHUNK_SECTORS) {
            out.add(new long[] {first, Math.min(LOAD_CHUNK_SECTORS, count - first)});
        }
        return out;
    }

    private void load(int e, Superblock sb) {
        if (sb.geometry().sectorSizeBytes() != sectorSize || sb.geometry().sizeBytes() > disk.sizeBytes()) {
            retry(e);
            return;
        }
        CoreLoader loader = new CoreLoader(sb);
        List<long[]> chunks = chunks(sb.geometry().sectorCount());
        int[] left = {chunks.size()};
        boolean[] failed = {false};
        for (long[] c : chunks) {
            int length = (int) c[1] * sectorSize;
            IoBuffer b = new IoBuffer(ByteBuffer.allocate(length));
            disk.read(nextIoId++, c[0] * sectorSize, b, length, 0, r -> {
                if (e != epoch) {
                    return;
                }
                if (!r.ok()) {
                    failed[0] = true;
                } else if (!failed[0]) {
                    byte[] all = bytes(b, length);
                    for (int i = 0; i < c[1]; i++) {
                        loader.accept(c[0] + i, java.util.Arrays.copyOfRange(all, i * sectorSize,
                                (i + 1) * sectorSize));
                    }
                }
                if (--left[0] == 0) {
                    if (failed[0]) {
                        retry(e);
                    } else {
                        AgentCore loaded = loader.finish(options);
                        syncThen(e, () -> {
                            core = loaded;
                            loads++;
                            observer.loaded(this);
                        });
                    }
                }
            });
        }
    }

    private static byte[] bytes(IoBuffer b, int length) {
        byte[] out = new byte[length];
        b.bytes().get(0, out, 0, length);
        return out;
    }

    // ------------------------------------------------------------------ serving

    private void onMessage(int source, byte[] payload) {
        SimEnvelope env = SimEnvelope.decode(payload);
        if (env == null) {
            malformedDropped++;
            return;
        }
        Session s = session(source, env.session());
        if (!s.window.accept(env.requestId())) {
            duplicatesDropped++;
            return;
        }
        org.diskpaxos.activedisk.wire.Decoded<AgentRequest> d = MessageCodec.decodeRequest(env.type(),
                env.payload());
        if (!d.ok()) {
            send(s, env.requestId(), null, new AgentReply.Error(d.problem()
                    == org.diskpaxos.activedisk.wire.Decoded.Problem.UNKNOWN_TYPE ? ErrorCode.UNKNOWN_TYPE
                    : ErrorCode.BAD_REQUEST, d.reason()));
            return;
        }
        if (core == null) {
            send(s, env.requestId(), d.value(), new AgentReply.Error(ErrorCode.STARTING, "agent on host "
                    + host.hostIndex() + " is loading its registers"));
            return;
        }
        outstanding.put(new TokenRequest(s.token, env.requestId()), d.value());
        outputs.clear();
        core.request(s.token, env.requestId(), d.value(), outputs);
        handleOutputs();
    }

    private Session session(int address, long session) {
        SessionKey key = new SessionKey(address, session);
        Session s = sessions.get(key);
        if (s == null) {
            s = new Session(key, nextToken++);
            sessions.put(key, s);
            byToken.put(s.token, s);
            if (byToken.size() > SESSIONS_MAX) {
                Map.Entry<Long, Session> oldest = byToken.pollFirstEntry();
                sessions.remove(oldest.getValue().key);
            }
        }
        return s;
    }

    private void handleOutputs() {
        List<CoreOutput> now = new ArrayList<>(outputs);
        outputs.clear();
        boolean failedNow = false;
        for (CoreOutput o : now) {
            if (o instanceof CoreOutput.Flush f) {
                flush(f);
            } else if (o instanceof CoreOutput.Reply r) {
                AgentRequest request = outstanding.remove(new TokenRequest(r.client(), r.requestId()));
                Session s = byToken.get(r.client());
                if (s != null) {
                    send(s, r.requestId(), request, r.reply());
                }
                failedNow |= r.reply() instanceof AgentReply.Error err && err.code() == ErrorCode.STORAGE_FAILED;
            }
        }
        observer.changed(this);
        if (failedNow && core != null && core.failed()) {
            observer.storageFailed(this, "a batch failed");
            boot();
        }
    }

    private void send(Session s, long requestId, AgentRequest request, AgentReply reply) {
        if (request != null) {
            observer.replySent(this, s.key.address(), request, reply);
        }
        host.endpoint().send(s.key.address(), new SimEnvelope(MessageCodec.typeOf(reply), s.key.session(), requestId,
                MessageCodec.encodeReply(reply)).encode());
    }

    private void flush(CoreOutput.Flush f) {
        int e = epoch;
        AgentCore owner = core;
        int[] left = {f.writes().size()};
        boolean[] failed = {false};
        String[] problem = {""};
        for (SectorWrite w : f.writes()) {
            disk.write(nextIoId++, w.sector() * sectorSize, new IoBuffer(ByteBuffer.wrap(w.bytes())), sectorSize, 0,
                    r -> {
                        if (e != epoch || owner != core) {
                            return;
                        }
                        if (!r.ok()) {
                            failed[0] = true;
                            problem[0] = describe(r);
                        }
                        if (--left[0] == 0) {
                            if (failed[0]) {
                                finish(owner, f.batchId(), false, problem[0]);
                            } else {
                                disk.sync(nextIoId++, 0, s -> {
                                    if (e == epoch && owner == core) {
                                        finish(owner, f.batchId(), s.ok(), describe(s));
                                    }
                                });
                            }
                        }
                    });
        }
    }

    private static String describe(IoResult r) {
        return r.ok() ? "" : r.kind() + " " + r.status() + (r.error() == null ? "" : ": " + r.error().getMessage());
    }

    private void finish(AgentCore owner, long batchId, boolean ok, String problem) {
        outputs.clear();
        owner.batchDone(batchId, ok, problem, outputs);
        handleOutputs();
    }
}
