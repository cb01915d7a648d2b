package org.diskpaxos.activedisk.core;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.format.AgentFormat;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.Superblock;

/**
 * A test driver for {@link AgentCore}: the device is an array of sectors in memory, a flush is applied only when
 * the test says so, and replies are collected per request id.
 */
public final class MemoryAgentDevice {
    public final byte[][] sectors;
    public final Superblock superblock;
    public AgentCore core;
    public final List<CoreOutput.Flush> pendingFlushes = new ArrayList<>();
    public final List<CoreOutput.Reply> replies = new ArrayList<>();
    public int syncs;

    public MemoryAgentDevice(Superblock superblock) {
        this.superblock = superblock;
        AgentGeometry g = superblock.geometry();
        this.sectors = new byte[(int) g.sectorCount()][];
        for (int i = 0; i < sectors.length; i++) {
            sectors[i] = AgentFormat.initialSector(superblock, i);
        }
    }

    public static MemoryAgentDevice fresh(int resources, int window, int casBlocks, CoreOptions options) {
        MemoryAgentDevice d = new MemoryAgentDevice(new Superblock(0x1234, 0x5678, "test-agent",
                new AgentGeometry(512, resources, window, casBlocks)));
        d.load(options);
        return d;
    }

    /** Rebuilds the core from the sectors, as a restarted agent does. */
    public CoreLoader load(CoreOptions options) {
        CoreLoader loader = new CoreLoader(superblock);
        for (int i = 1; i < sectors.length; i++) {
            loader.accept(i, sectors[i].clone());
        }
        core = loader.finish(options);
        pendingFlushes.clear();
        return loader;
    }

    public void handle(List<CoreOutput> out) {
        for (CoreOutput o : out) {
            if (o instanceof CoreOutput.Flush f) {
                pendingFlushes.add(f);
            } else {
                replies.add((CoreOutput.Reply) o);
            }
        }
    }

    public void request(long requestId, AgentRequest request) {
        List<CoreOutput> out = new ArrayList<>();
        core.request(7, requestId, request, out);
        handle(out);
    }

    /** Writes and syncs the oldest pending flush, then reports it done. */
    public boolean completeFlush() {
        if (pendingFlushes.isEmpty()) {
            return false;
        }
        CoreOutput.Flush f = pendingFlushes.remove(0);
        for (SectorWrite w : f.writes()) {
            sectors[(int) w.sector()] = w.bytes().clone();
        }
        syncs++;
        List<CoreOutput> out = new ArrayList<>();
        core.batchDone(f.batchId(), true, "", out);
        handle(out);
        return true;
    }

    /** Completes flushes until none is pending. */
    public void settle() {
        while (completeFlush()) {
            // keep going
        }
    }

    /** Sends a request and settles; returns its reply. */
    public AgentReply call(long requestId, AgentRequest request) {
        request(requestId, request);
        settle();
        return reply(requestId);
    }

    /** The reply to {@code requestId}; null when none yet. */
    public AgentReply reply(long requestId) {
        for (CoreOutput.Reply r : replies) {
            if (r.requestId() == requestId) {
                return r.reply();
            }
        }
        return null;
    }
}
