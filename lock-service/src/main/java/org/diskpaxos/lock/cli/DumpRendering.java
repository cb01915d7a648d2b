package org.diskpaxos.lock.cli;

import java.io.PrintStream;
import org.diskpaxos.lock.inspect.DiskDump;
import org.diskpaxos.lock.inspect.JsonWriter;

/** {@link DiskDump} results as words for people and as JSON for machines. */
final class DumpRendering {
    private DumpRendering() {
    }

    static void text(DiskDump.Result r, PrintStream out) {
        String where = r.device() + " offset " + r.offsetBytes();
        if (r.other() != null) {
            out.println(where + ": " + r.other());
        } else if (r.lockspace() != null) {
            lockspace(where, r.lockspace(), out);
        } else if (r.resource() != null) {
            out.println(where + ": resource lease area");
            resource(r.resource(), "  ", out);
        } else {
            out.println(where + ": resource index");
            index(r.index(), out);
        }
    }

    private static void lockspace(String where, DiskDump.LockspaceView ls, PrintStream out) {
        out.println(where + ": lockspace '" + ls.name() + "', " + ls.geometry().sectorSizeBytes() + "-byte sectors, "
                + ls.geometry().alignSizeBytes() / (1024 * 1024) + " MiB areas, " + ls.geometry().maxHosts()
                + " host slots" + (ls.verdict().equals("VALID") ? "" : " [" + ls.verdict() + "]"));
        out.println("  hosts: " + ls.hosts().size() + " slot(s) in use, " + ls.slotsNeverUsed() + " never used"
                + (ls.watched().isZero() ? "" : "; watched for " + ls.watched().toMillis() + " ms"));
        for (DiskDump.HostSlot h : ls.hosts()) {
            out.println("    host " + h.hostId() + "  generation " + h.generation() + "  '" + h.name() + "'  "
                    + h.liveness() + ": " + h.livenessDetail() + "  (io_timeout " + h.ioTimeoutSeconds() + " s, offset "
                    + h.offsetBytes() + (h.verdict().equals("VALID") ? "" : ", " + h.verdict()) + ")");
        }
        if (ls.index() == null) {
            out.println("  no resource index after the lockspace");
            return;
        }
        index(ls.index(), out);
        if (ls.resources().isEmpty()) {
            out.println("  no resources");
        }
        for (DiskDump.ResourceView res : ls.resources()) {
            resource(res, "  ", out);
        }
        if (ls.resourcesNotShown() > 0) {
            out.println("  ... " + ls.resourcesNotShown() + " more resources not read (limit "
                    + DiskDump.RESOURCES_MAX + ")");
        }
    }

    private static void index(DiskDump.IndexView ix, PrintStream out) {
        out.println("  resource index at offset " + ix.offsetBytes() + ": " + (ix.verdict().equals("VALID")
                ? ix.entriesUsed() + " of " + ix.maxResources() + " entries used" : ix.verdict()));
        if (ix.indexLease() != null) {
            out.println("    index lease (serializes index updates): fence " + ix.indexLease().lver() + ", "
                    + ix.indexLease().ownerState());
        }
    }

    private static void resource(DiskDump.ResourceView res, String indent, PrintStream out) {
        out.println(indent + "resource " + res.lockspace() + "/" + res.name() + " at offset " + res.offsetBytes()
                + ": fence (lver) " + res.lver() + ", " + res.ownerState()
                + (res.shortHold() ? ", short hold (shared acquire in progress)" : "")
                + (res.verdict().equals("VALID") ? "" : " [" + res.verdict() + "]"));
        if (!res.shared().isEmpty()) {
            StringBuilder b = new StringBuilder(indent + "  shared holders:");
            for (DiskDump.SharedHolder s : res.shared()) {
                b.append(" host ").append(s.hostId()).append(" generation ").append(s.generation()).append(';');
            }
            out.println(b);
        }
        if (res.requestLver() != 0) {
            out.println(indent + "  request: release asked for lease version " + res.requestLver() + " (force mode "
                    + res.requestForceMode() + ")");
        }
        for (DiskDump.DblockView d : res.dblocks()) {
            out.println(indent + "  host " + d.hostId() + " ballot block: lver " + d.lver() + ", mbal " + d.mbal()
                    + ", bal " + d.bal() + (d.inp() == 0 ? ", no input" : ", proposes host " + d.inp()
                    + " generation " + d.inpGeneration()) + (d.released() ? ", released" : "") + "  (offset "
                    + d.offsetBytes() + (d.verdict().equals("VALID") ? "" : ", " + d.verdict()) + ")");
        }
    }

    static String json(DiskDump.Result r) {
        JsonWriter j = new JsonWriter().beginObject().field("device", r.device()).field("offset", r.offsetBytes());
        if (r.other() != null) {
            j.field("kind", "other").field("description", r.other());
        } else if (r.lockspace() != null) {
            DiskDump.LockspaceView ls = r.lockspace();
            j.field("kind", "lockspace").field("name", ls.name()).field("verdict", ls.verdict())
                    .field("sector_size", ls.geometry().sectorSizeBytes())
                    .field("align_size", ls.geometry().alignSizeBytes()).field("max_hosts", ls.geometry().maxHosts())
                    .field("watched_ms", ls.watched().toMillis()).field("slots_never_used", ls.slotsNeverUsed());
            j.beginArray("hosts");
            for (DiskDump.HostSlot h : ls.hosts()) {
                j.beginObject().field("host_id", h.hostId()).field("offset", h.offsetBytes())
                        .field("verdict", h.verdict()).field("name", h.name()).field("generation", h.generation())
                        .field("timestamp", h.timestamp()).field("io_timeout_s", h.ioTimeoutSeconds())
                        .field("liveness", h.liveness().toString()).field("detail", h.livenessDetail()).endObject();
            }
            j.endArray();
            if (ls.index() != null) {
                index(j, ls.index());
            }
            j.beginArray("resources");
            for (DiskDump.ResourceView res : ls.resources()) {
                j.beginObject();
                resource(j, res);
                j.endObject();
            }
            j.endArray().field("resources_not_shown", ls.resourcesNotShown());
        } else if (r.resource() != null) {
            j.field("kind", "resource");
            resource(j, r.resource());
        } else {
            j.field("kind", "index");
            index(j, r.index());
        }
        return j.endObject().toString();
    }

    private static void index(JsonWriter j, DiskDump.IndexView ix) {
        j.beginObject("index").field("offset", ix.offsetBytes()).field("verdict", ix.verdict())
                .field("max_resources", ix.maxResources()).field("entries_used", ix.entriesUsed());
        if (ix.indexLease() != null) {
            j.beginObject("index_lease");
            resource(j, ix.indexLease());
            j.endObject();
        }
        j.endObject();
    }

    private static void resource(JsonWriter j, DiskDump.ResourceView res) {
        j.field("lockspace", res.lockspace()).field("resource", res.name()).field("offset", res.offsetBytes())
                .field("verdict", res.verdict()).field("lver", res.lver()).field("fence", res.lver())
                .field("free", res.free()).field("owner_host_id", res.ownerId())
                .field("owner_generation", res.ownerGeneration()).field("timestamp", res.timestamp())
                .field("written_by_host_id", res.writerId()).field("short_hold", res.shortHold())
                .field("num_hosts", res.numHosts()).field("owner_state", res.ownerState());
        j.beginArray("shared");
        for (DiskDump.SharedHolder s : res.shared()) {
            j.beginObject().field("host_id", s.hostId()).field("generation", s.generation()).endObject();
        }
        j.endArray().beginObject("request").field("lver", res.requestLver())
                .field("force_mode", res.requestForceMode()).endObject();
        j.beginArray("dblocks");
        for (DiskDump.DblockView d : res.dblocks()) {
            j.beginObject().field("host_id", d.hostId()).field("offset", d.offsetBytes()).field("verdict", d.verdict())
                    .field("lver", d.lver()).field("mbal", d.mbal()).field("bal", d.bal()).field("inp", d.inp())
                    .field("inp_generation", d.inpGeneration()).field("released", d.released()).endObject();
        }
        j.endArray();
    }
}
