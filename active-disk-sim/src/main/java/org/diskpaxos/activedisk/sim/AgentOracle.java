package org.diskpaxos.activedisk.sim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.core.AgentCore;
import org.diskpaxos.activedisk.core.ResourceRegisters;
import org.diskpaxos.sim.Simulation;
import org.diskpaxos.sim.check.CheckContext;
import org.diskpaxos.sim.check.Checker;

/**
 * Judges the simulated agents. Two kinds of invariant:
 * <ul>
 *   <li><b>Durability</b> (white box, per agent): every fact an agent acknowledged or revealed (a reply it sent: a
 *       read rank and the R, W and V the read returned, a committed write, a block's content) stays true of its
 *       state for good, across crashes, power loss and reloads: {@code R >= } every acknowledged read rank, {@code W_i >= } every acknowledged commit's rank (the
 *       same value when equal) unless instance {@code i} has been compacted, CAS counters never below an
 *       acknowledged one. Checked whenever the agent's core changes or is reloaded, and at each acknowledgement.
 *       Agents on disks the fault plan lets corrupt data are exempt (they may answer CORRUPT, never wrongly: a
 *       reply check still applies to them).</li>
 *   <li><b>Replies</b> (black box, at the client): every value read is one some client wrote for that register
 *       (or none with W = 0); every abort hint is a rank some client used; every CAS block content is one some
 *       client wrote there, or zeros.</li>
 * </ul>
 */
public final class AgentOracle implements Checker, SimAgent.Observer {
    private final int agents;
    private Simulation sim;
    private final SimAgent[] current;
    private final boolean[] dirty;
    private final java.util.List<TreeMap<String, AgentRank>> ackR = new java.util.ArrayList<>();
    private final java.util.List<TreeMap<String, TreeMap<Long, Write>>> ackW = new java.util.ArrayList<>();
    private final long[][] ackCas;
    private final TreeMap<String, TreeMap<Long, TreeMap<AgentRank, byte[]>>> invokedWrites = new TreeMap<>();
    private final TreeMap<String, AgentRank> invokedRankMax = new TreeMap<>();
    private final java.util.List<java.util.List<TreeSet<String>>> invokedCas = new java.util.ArrayList<>();
    private long checks;
    private long facts;
    private long loads;
    private long storageFailures;

    private record Write(AgentRank rank, byte[] value) {
    }

    public AgentOracle(int agents, int casBlocks) {
        this.agents = agents;
        this.current = new SimAgent[agents];
        this.dirty = new boolean[agents];
        this.ackCas = new long[agents][casBlocks];
        for (int a = 0; a < agents; a++) {
            ackR.add(new TreeMap<>());
            ackW.add(new TreeMap<>());
            java.util.List<TreeSet<String>> blocks = new java.util.ArrayList<>();
            for (int b = 0; b < casBlocks; b++) {
                blocks.add(new TreeSet<>());
            }
            invokedCas.add(blocks);
        }
    }

    public void install(Simulation simulation) {
        this.sim = simulation;
        simulation.checkers().register(this);
    }

    @Override
    public String name() {
        return "agent-durability";
    }

    // ------------------------------------------------------------------ what clients invoke

    void invokedWrite(String resource, long instance, AgentRank rank, byte[] value) {
        invokedWrites.computeIfAbsent(resource, k -> new TreeMap<>()).computeIfAbsent(instance, k -> new TreeMap<>())
                .put(rank, value.clone());
        invokedRank(resource, rank);
    }

    void invokedRank(String resource, AgentRank rank) {
        invokedRankMax.merge(resource, rank, AgentRank::max);
    }

    void invokedCas(int agent, int block, byte[] replacement) {
        invokedCas.get(agent).get(block).add(hex(replacement));
    }

    static long counterOf(byte[] block) {
        return ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Checks a reply as a client received it from agent {@code agent}. */
    void checkReply(int agent, AgentRequest request, AgentReply reply) {
        if (reply instanceof AgentReply.RrReadResult r && request instanceof AgentRequest.RrRead q) {
            if (!r.compacted()) {
                checkValue(q.resource(), q.instance(), r.w(), r.value(), agent);
            }
            checkRank(q.resource(), r.previousR(), "previous R", agent);
        } else if (reply instanceof AgentReply.RrReadFromResult r && request instanceof AgentRequest.RrReadFrom q) {
            for (AgentReply.InstanceValue v : r.instances()) {
                if (v.instance() < q.fromInstance()) {
                    fail("agent " + agent + " returned instance " + v.instance() + " for a read from "
                            + q.fromInstance());
                }
                checkValue(q.resource(), v.instance(), v.w(), v.value(), agent);
            }
            checkRank(q.resource(), r.previousR(), "previous R", agent);
        } else if (reply instanceof AgentReply.RrWriteResult r && request instanceof AgentRequest.RrWrite q) {
            checkRank(q.resource(), r.hint(), "abort hint", agent);
        } else if (reply instanceof AgentReply.CasResult r && request instanceof AgentRequest.CompareAndWrite q) {
            byte[] c = r.current();
            if (!Arrays.equals(c, new byte[c.length]) && !invokedCas.get(agent).get(q.block()).contains(hex(c))) {
                fail("agent " + agent + " block " + q.block() + " holds content no client wrote: counter "
                        + counterOf(c));
            }
        }
    }

    private void checkValue(String resource, long instance, AgentRank w, byte[] value, int agent) {
        if (w.isZero()) {
            if (value.length != 0) {
                fail("agent " + agent + ": " + resource + "/" + instance + " has W = 0 but a value");
            }
            return;
        }
        byte[] invoked = invokedWrites.getOrDefault(resource, new TreeMap<>()).getOrDefault(instance,
                new TreeMap<>()).get(w);
        if (invoked == null || !Arrays.equals(invoked, value)) {
            fail("agent " + agent + ": " + resource + "/" + instance + " returned W = " + w + " with a value no "
                    + "client wrote with that rank");
        }
    }

    private void checkRank(String resource, AgentRank rank, String what, int agent) {
        AgentRank max = invokedRankMax.getOrDefault(resource, AgentRank.ZERO);
        if (rank.compareTo(max) > 0) {
            fail("agent " + agent + ": " + what + " " + rank + " of " + resource + " is above every rank used ("
                    + max + ")");
        }
    }

    // ------------------------------------------------------------------ what agents acknowledge

    @Override
    public void loaded(SimAgent agent) {
        int a = agent.hostIndex();
        current[a] = agent;
        dirty[a] = true;
        loads++;
        if (!faultyDisk(a) && agent.core().damagedRecords() > 0) {
            fail("agent " + a + " found " + agent.core().damagedRecords() + " damaged records on a disk the plan "
                    + "does not let corrupt data");
        }
    }

    @Override
    public void changed(SimAgent agent) {
        dirty[agent.hostIndex()] = true;
    }

    @Override
    public void storageFailed(SimAgent agent, String why) {
        storageFailures++;
    }

    @Override
    public void replySent(SimAgent agent, int clientAddress, AgentRequest request, AgentReply reply) {
        int a = agent.hostIndex();
        if (reply instanceof AgentReply.Error) {
            return;
        }
        if (request instanceof AgentRequest.RrRead r && reply instanceof AgentReply.RrReadResult rr) {
            raise(a, r.resource(), r.rank());
            raise(a, r.resource(), rr.previousR());
            if (!rr.compacted()) {
                reveal(a, r.resource(), r.instance(), rr.w(), rr.value());
            }
        } else if (request instanceof AgentRequest.RrReadFrom r && reply instanceof AgentReply.RrReadFromResult rr) {
            raise(a, r.resource(), r.rank());
            raise(a, r.resource(), rr.previousR());
            for (AgentReply.InstanceValue v : rr.instances()) {
                reveal(a, r.resource(), v.instance(), v.w(), v.value());
            }
        } else if (request instanceof AgentRequest.RrWrite w && reply instanceof AgentReply.RrWriteResult wr
                && wr.outcome() == AgentReply.WriteOutcome.COMMITTED) {
            reveal(a, w.resource(), w.instance(), w.rank(), w.value());
        } else if (request instanceof AgentRequest.CompareAndWrite c && reply instanceof AgentReply.CasResult cr) {
            facts++;
            ackCas[a][c.block()] = Math.max(ackCas[a][c.block()], counterOf(cr.current()));
        } else if (reply instanceof AgentReply.BlockContent b) {
            facts++;
            ackCas[a][b.block()] = Math.max(ackCas[a][b.block()], counterOf(b.content()));
        }
        dirty[a] = true;
    }

    /** A committed write, or a (W, V) a read revealed: W of that instance never goes below it again. */
    private void reveal(int a, String resource, long instance, AgentRank w, byte[] value) {
        if (w.isZero()) {
            return;
        }
        facts++;
        TreeMap<Long, Write> byInstance = ackW.get(a).computeIfAbsent(resource, k -> new TreeMap<>());
        Write old = byInstance.get(instance);
        if (old == null || old.rank().compareTo(w) < 0) {
            byInstance.put(instance, new Write(w, value));
        }
    }

    private void raise(int a, String resource, AgentRank rank) {
        if (!rank.isZero()) {
            facts++;
            ackR.get(a).merge(resource, rank, AgentRank::max);
        }
    }

    // ------------------------------------------------------------------ checking

    private boolean faultyDisk(int a) {
        return sim.plan().isFaultyDisk(a);
    }

    @Override
    public void afterEvent(CheckContext context) {
        for (int a = 0; a < agents; a++) {
            if (dirty[a]) {
                dirty[a] = false;
                check(a);
            }
        }
    }

    private void check(int a) {
        SimAgent agent = current[a];
        if (agent == null || faultyDisk(a) || !sim.host(a).isAlive(agent.incarnation()) || agent.core() == null
                || agent.core().failed()) {
            return;
        }
        checks++;
        AgentCore core = agent.core();
        for (Map.Entry<String, AgentRank> e : ackR.get(a).entrySet()) {
            ResourceRegisters regs = registers(a, core, e.getKey());
            if (regs.r().compareTo(e.getValue()) < 0) {
                fail("agent " + a + " lost an acknowledged read: R of " + e.getKey() + " is " + regs.r()
                        + " but a read at " + e.getValue() + " was answered");
            }
        }
        for (Map.Entry<String, TreeMap<Long, Write>> e : ackW.get(a).entrySet()) {
            ResourceRegisters regs = registers(a, core, e.getKey());
            for (Map.Entry<Long, Write> w : e.getValue().entrySet()) {
                checkWrite(a, regs, e.getKey(), w.getKey(), w.getValue());
            }
        }
        for (int b = 0; b < ackCas[a].length; b++) {
            byte[] content = core.casBlock(b);
            if (content == null) {
                fail("agent " + a + ": CAS block " + b + " is damaged on a disk the plan does not let corrupt data");
            } else if (counterOf(content) < ackCas[a][b]) {
                fail("agent " + a + " lost an acknowledged compare-and-write: block " + b + " counter "
                        + counterOf(content) + " below " + ackCas[a][b]);
            }
        }
    }

    private ResourceRegisters registers(int a, AgentCore core, String resource) {
        ResourceRegisters regs = core.registers(resource);
        if (regs == null) {
            fail("agent " + a + " forgot resource " + resource + " although it acknowledged changes to it");
        } else if (regs.rDamaged()) {
            fail("agent " + a + ": resource " + resource + " is damaged on a disk the plan does not let corrupt data");
        }
        return regs;
    }

    private void checkWrite(int a, ResourceRegisters regs, String resource, long instance, Write w) {
        if (instance < regs.lowestKept()) {
            return;
        }
        int k = regs.slotOf(instance);
        String where = "agent " + a + ": " + resource + "/" + instance;
        if (regs.slotDamaged(k)) {
            fail(where + " is damaged on a disk the plan does not let corrupt data");
        }
        if (regs.slotInstance(k) != instance) {
            fail(where + " lost an acknowledged commit at " + w.rank() + " (slot holds instance "
                    + regs.slotInstance(k) + ")");
        }
        int c = regs.slotW(k).compareTo(w.rank());
        if (c < 0 || c == 0 && !Arrays.equals(regs.slotValue(k), w.value())) {
            fail(where + " lost an acknowledged commit at " + w.rank() + ": it holds W = " + regs.slotW(k));
        }
    }

    private void fail(String message) {
        sim.fail(name(), message);
    }

    public String summary() {
        return "facts " + facts + ", durability checks " + checks + ", agent loads " + loads + ", storage failures "
                + storageFailures;
    }
}
