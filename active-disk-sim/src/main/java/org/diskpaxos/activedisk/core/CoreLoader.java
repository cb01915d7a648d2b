package org.diskpaxos.activedisk.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.format.AgentFormat;
import org.diskpaxos.activedisk.format.AgentGeometry;
import org.diskpaxos.activedisk.format.CasRecord;
import org.diskpaxos.activedisk.format.Copies;
import org.diskpaxos.activedisk.format.Decoded;
import org.diskpaxos.activedisk.format.InstanceRecord;
import org.diskpaxos.activedisk.format.ResourceRecord;
import org.diskpaxos.activedisk.format.Superblock;
import org.diskpaxos.activedisk.format.Verdict;

/**
 * Rebuilds an {@link AgentCore} from an agent device: the driver reads sectors 1 to the end (in any order, in any
 * chunking) and hands each to {@link #accept}; {@link #finish} then picks each record's current copy.
 *
 * <p>Rules (see {@code org.diskpaxos.activedisk.format}): a header's generation-0 (free) record means the slot is
 * free, whatever its instance slots hold. An instance copy naming another resource than its header is a leftover
 * of an unsynced creation and is ignored. A damaged header whose instance records all name one resource makes that
 * resource known but unusable (its {@code R} is lost); a damaged header naming nobody makes the slot unknown, and
 * the agent then refuses to create resources (any new name might be the lost one). Damage is listed by
 * {@link #damage()}.
 */
public final class CoreLoader {
    /** Most damage descriptions kept. */
    public static final int DAMAGE_LINES_MAX = 100;

    private final Superblock superblock;
    private final AgentGeometry g;
    private final List<Pair<ResourceRecord>> headers = new ArrayList<>();
    private final List<List<Pair<InstanceRecord>>> instances = new ArrayList<>();
    private final List<Pair<CasRecord>> casBlocks = new ArrayList<>();
    private final List<String> damage = new ArrayList<>();
    private int damagedRecords;
    private long accepted;
    private final boolean[] seen;

    /** The two decoded copies of one record. */
    private static final class Pair<T> {
        final List<Decoded<T>> copies = new ArrayList<>(List.of(Decoded.blankPlaceholder(), Decoded.blankPlaceholder()));

        Decoded<T> get(int copy) {
            return copies.get(copy);
        }

        void set(int copy, Decoded<T> d) {
            copies.set(copy, d);
        }
    }

    public CoreLoader(Superblock superblock) {
        this.superblock = Objects.requireNonNull(superblock);
        this.g = superblock.geometry();
        if (g.sectorCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("device of " + g.sectorCount() + " sectors is too large to load");
        }
        this.seen = new boolean[(int) g.sectorCount()];
        for (int s = 0; s < g.resourcesMax(); s++) {
            headers.add(new Pair<>());
            List<Pair<InstanceRecord>> slots = new ArrayList<>(g.windowInstances());
            for (int k = 0; k < g.windowInstances(); k++) {
                slots.add(new Pair<>());
            }
            instances.add(slots);
        }
        for (int b = 0; b < g.casBlocks(); b++) {
            casBlocks.add(new Pair<>());
        }
    }

    /** Sectors to read: every one from 1 (the superblock is already known) to this, exclusive. */
    public long sectorCount() {
        return g.sectorCount();
    }

    /** Decodes sector {@code index}; each sector exactly once. */
    public void accept(long index, byte[] sector) {
        if (sector.length != g.sectorSizeBytes()) {
            throw new IllegalArgumentException("sector " + index + " is " + sector.length + " bytes, expected "
                    + g.sectorSizeBytes());
        }
        AgentFormat.Location at = AgentFormat.locate(g, index);
        if (at.role() == AgentFormat.Role.SUPERBLOCK) {
            return;
        }
        if (seen[(int) index]) {
            throw new IllegalStateException("sector " + index + " loaded twice");
        }
        seen[(int) index] = true;
        accepted++;
        switch (at.role()) {
            case RESOURCE_HEADER -> headers.get(at.slot()).set(at.copy(), ResourceRecord.decode(sector, index));
            case INSTANCE -> instances.get(at.slot()).get(at.instanceSlot()).set(at.copy(),
                    InstanceRecord.decode(sector, index));
            case CAS_BLOCK -> casBlocks.get(at.slot()).set(at.copy(), CasRecord.decode(sector, index, at.slot()));
            default -> throw new IllegalStateException("unreachable");
        }
    }

    /** Builds the core; every sector from 1 on must have been accepted. */
    public AgentCore finish(CoreOptions options) {
        if (accepted != g.sectorCount() - 1) {
            throw new IllegalStateException("loaded " + accepted + " of " + (g.sectorCount() - 1) + " sectors");
        }
        AgentCore.Slot[] slots = new AgentCore.Slot[g.resourcesMax()];
        boolean[] unknown = new boolean[g.resourcesMax()];
        for (int s = 0; s < g.resourcesMax(); s++) {
            loadSlot(s, slots, unknown);
        }
        byte[][] cas = new byte[g.casBlocks()][];
        long[] casGeneration = new long[g.casBlocks()];
        boolean[] casDamaged = new boolean[g.casBlocks()];
        for (int b = 0; b < g.casBlocks(); b++) {
            Pair<CasRecord> pair = casBlocks.get(b);
            Copies.Pick<CasRecord> pick = Copies.pick(pair.get(0), pair.get(1), CasRecord::generation);
            if (pick.damaged()) {
                casDamaged[b] = true;
                cas[b] = new byte[AgentLimits.CAS_BLOCK_BYTES];
                note("CAS block " + b + ": " + pick.reason());
            } else {
                cas[b] = pick.value().content();
                casGeneration[b] = pick.value().generation();
            }
        }
        return new AgentCore(superblock, options, slots, unknown, cas, casGeneration, casDamaged, damagedRecords);
    }

    private void loadSlot(int s, AgentCore.Slot[] slots, boolean[] unknown) {
        Pair<ResourceRecord> pair = headers.get(s);
        Copies.Pick<ResourceRecord> header = Copies.pick(pair.get(0), pair.get(1), ResourceRecord::generation);
        String name;
        if (header.damaged()) {
            TreeSet<String> named = new TreeSet<>();
            for (Pair<InstanceRecord> copies : instances.get(s)) {
                for (Decoded<InstanceRecord> d : copies.copies) {
                    if (d.isValid() && !d.value().isEmpty()) {
                        named.add(d.value().name());
                    }
                }
            }
            if (named.size() != 1) {
                unknown[s] = true;
                note("resource slot " + s + ": header " + header.reason() + "; name unknown");
                return;
            }
            name = named.first();
            note("resource slot " + s + " ('" + name + "'): header " + header.reason() + "; its R is lost");
        } else if (header.value().isFree()) {
            return;
        } else {
            name = header.value().name();
        }
        ResourceRegisters regs = new ResourceRegisters(name, g.windowInstances());
        long[] instanceGeneration = new long[g.windowInstances()];
        if (header.damaged()) {
            regs.markRDamaged();
        } else {
            regs.loadR(header.value().r());
        }
        for (int k = 0; k < g.windowInstances(); k++) {
            Pair<InstanceRecord> copies = instances.get(s).get(k);
            Copies.Pick<InstanceRecord> slot = Copies.pick(ownOrBlank(copies.get(0), name), ownOrBlank(copies.get(1),
                    name), InstanceRecord::generation);
            if (slot.damaged()) {
                regs.markSlotDamaged(k);
                note("resource '" + name + "' instance slot " + k + ": " + slot.reason());
                continue;
            }
            InstanceRecord r = slot.value();
            instanceGeneration[k] = r.generation();
            if (r.isEmpty()) {
                continue;
            }
            if (regs.slotOf(r.instance()) != k) {
                regs.markSlotDamaged(k);
                note("resource '" + name + "' instance slot " + k + " holds instance " + r.instance());
                continue;
            }
            regs.loadSlot(k, r.instance(), r.w(), r.value());
        }
        slots[s] = new AgentCore.Slot(s, regs, header.damaged() ? 0 : header.value().generation(),
                instanceGeneration);
    }

    /** A copy that names another resource is a leftover of an unsynced creation: treat it as never written. */
    private static Decoded<InstanceRecord> ownOrBlank(Decoded<InstanceRecord> d, String name) {
        if (d.isValid() && !d.value().isEmpty() && !d.value().name().equals(name)) {
            return new Decoded<>(Verdict.BLANK, null, "left over from another resource");
        }
        return d;
    }

    private void note(String line) {
        damagedRecords++;
        if (damage.size() < DAMAGE_LINES_MAX) {
            damage.add(line);
        }
    }

    /** What was found damaged, one line each (at most {@link #DAMAGE_LINES_MAX}). */
    public List<String> damage() {
        return List.copyOf(damage);
    }

    public int damagedRecords() {
        return damagedRecords;
    }
}
