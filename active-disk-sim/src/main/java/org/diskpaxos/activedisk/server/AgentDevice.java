package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.core.AgentCore;
import org.diskpaxos.activedisk.core.CoreLoader;
import org.diskpaxos.activedisk.core.CoreOptions;
import org.diskpaxos.activedisk.format.AgentFormat;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Decoded;
import org.diskpaxos.activedisk.format.SectorHeader;
import org.diskpaxos.activedisk.format.Superblock;

/**
 * An agent device opened for serving: its storage (locked), superblock and the core loaded from it. Opening reads
 * every sector, then syncs the device once before anything is served: what a killed predecessor wrote into the
 * page cache but never synced is made durable now, because this agent is about to answer from it.
 */
public final class AgentDevice implements AutoCloseable {
    /** Sectors per read while loading. */
    static final int LOAD_CHUNK_SECTORS = 256;

    private final AgentStorage storage;
    private final Superblock superblock;
    private final AgentCore core;
    private final List<String> damage;

    private AgentDevice(AgentStorage storage, Superblock superblock, AgentCore core, List<String> damage) {
        this.storage = storage;
        this.superblock = superblock;
        this.core = core;
        this.damage = damage;
    }

    /** What {@code --init} needs: the agent's name and the device's layout. */
    public record InitOptions(String name, AgentGeometry geometry) {
    }

    /**
     * Formats {@code path} as an agent device (creating a file of the right size if it does not exist). Refuses a
     * device that already holds an agent superblock (its registers would be lost) or is too small.
     *
     * @return the new superblock (random 128-bit agent id)
     */
    public static Superblock initialise(Path path, InitOptions options, Consumer<String> log) throws IOException {
        AgentGeometry g = options.geometry();
        if (!Files.exists(path)) {
            try (FileChannel c = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.truncate(0);
            }
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(g.sizeBytes());
            }
            log.accept("created " + path + " (" + g.sizeBytes() + " bytes)");
        }
        SecureRandom random = new SecureRandom();
        Superblock sb = new Superblock(random.nextLong(), random.nextLong(), options.name(), g);
        try (FileAgentStorage storage = FileAgentStorage.open(path)) {
            byte[] head = readHead(storage);
            if (head.length >= 4 && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0)
                    == SectorHeader.MAGIC) {
                Decoded<Superblock> existing = decodeHead(head);
                throw new IOException("device " + path + " already holds an agent superblock" + (existing.isValid()
                        ? " (agent '" + existing.value().name() + "', id " + existing.value().idHex() + ")"
                        : " (damaged: " + existing.reason() + ")") + "; refusing to initialise it again, which would "
                        + "lose its registers; drop --init to serve it, or wipe it yourself if you really mean to");
            }
            if (storage.sizeBytes() < g.sizeBytes()) {
                throw new IOException("device " + path + " is " + storage.sizeBytes() + " bytes but this layout ("
                        + g.resourcesMax() + " resources x window " + g.windowInstances() + ", " + g.casBlocks()
                        + " CAS blocks, " + g.sectorSizeBytes() + "-byte sectors) needs " + g.sizeBytes()
                        + "; grow it or lower --resources, --window or --cas-blocks");
            }
            int size = g.sectorSizeBytes();
            for (long first = 1; first < g.sectorCount(); first += LOAD_CHUNK_SECTORS) {
                int n = (int) Math.min(LOAD_CHUNK_SECTORS, g.sectorCount() - first);
                byte[] chunk = new byte[n * size];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(AgentFormat.initialSector(sb, first + i), 0, chunk, i * size, size);
                }
                storage.write(first, size, chunk);
            }
            storage.sync();
            storage.write(0, size, sb.encode());
            storage.sync();
        }
        syncDirectory(path);
        log.accept("initialised agent device " + path + ": agent '" + sb.name() + "', id " + sb.idHex() + ", "
                + g.resourcesMax() + " resources x window " + g.windowInstances() + ", " + g.casBlocks()
                + " CAS blocks, " + g.sectorSizeBytes() + "-byte sectors");
        return sb;
    }

    private static void syncDirectory(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the device file itself is synced.
        }
    }

    /** Opens an initialised agent device, loads its registers and syncs it. */
    public static AgentDevice open(Path path, CoreOptions options, Consumer<String> log) throws IOException {
        FileAgentStorage storage = FileAgentStorage.open(path);
        try {
            return load(storage, options, log);
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** Loads the registers from {@code storage} (which this device then owns). */
    public static AgentDevice load(AgentStorage storage, CoreOptions options, Consumer<String> log)
            throws IOException {
        byte[] head = readHead(storage);
        if (head.length < 4 || ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(0) != SectorHeader.MAGIC) {
            throw new IOException("device " + storage.name() + " is not an agent device (no agent superblock in "
                    + "its first sector); initialise it with --init, or check the path");
        }
        Decoded<Superblock> decoded = decodeHead(head);
        if (!decoded.isValid()) {
            throw new IOException("device " + storage.name() + ": the agent superblock is damaged (" + decoded.verdict()
                    + ": " + decoded.reason() + "); the agent cannot know its layout; restore the device");
        }
        Superblock sb = decoded.value();
        AgentGeometry g = sb.geometry();
        if (storage.sizeBytes() < g.sizeBytes()) {
            throw new IOException("device " + storage.name() + " is " + storage.sizeBytes() + " bytes but its agent "
                    + "superblock describes " + g.sizeBytes() + "; was it truncated?");
        }
        CoreLoader loader = new CoreLoader(sb);
        int size = g.sectorSizeBytes();
        for (long first = 1; first < g.sectorCount(); first += LOAD_CHUNK_SECTORS) {
            int n = (int) Math.min(LOAD_CHUNK_SECTORS, g.sectorCount() - first);
            byte[] chunk = new byte[n * size];
            storage.read(first, size, chunk);
            for (int i = 0; i < n; i++) {
                loader.accept(first + i, Arrays.copyOfRange(chunk, i * size, (i + 1) * size));
            }
        }
        AgentCore core = loader.finish(options);
        storage.sync();
        for (String line : loader.damage()) {
            log.accept("device " + storage.name() + ": damaged: " + line);
        }
        return new AgentDevice(storage, sb, core, loader.damage());
    }

    private static byte[] readHead(AgentStorage storage) throws IOException {
        int n = (int) Math.min(4096, storage.sizeBytes());
        n -= n % 512;
        byte[] head = new byte[n];
        if (n > 0) {
            storage.read(0, 512, head);
        }
        return head;
    }

    private static Decoded<Superblock> decodeHead(byte[] head) {
        int sectorSize = head.length >= 512
                ? ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(Superblock.SECTOR_SIZE_OFFSET) : 0;
        if (sectorSize != 512 && sectorSize != 4096 || sectorSize > head.length) {
            sectorSize = Math.min(512, head.length);
        }
        return Superblock.decode(Arrays.copyOf(head, sectorSize));
    }

    public AgentStorage storage() {
        return storage;
    }

    public Superblock superblock() {
        return superblock;
    }

    public AgentCore core() {
        return core;
    }

    public List<String> damage() {
        return damage;
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
