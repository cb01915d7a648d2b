package org.diskpaxos.activedisk.inhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;

/**
 * One contender in the in-host concurrency tests, run as a thread or as its own JVM ({@link #main}). Two phases
 * on one shared register file:
 * <ol>
 *   <li>fetch-max: {@code rounds} reads of one register with this worker's increasing ranks; a read must never
 *       return an R below this worker's own previous rank (a lost update would);</li>
 *   <li>consensus: for each of {@code instances} resources, single-decree Paxos over the one ranked register
 *       (read, write back what was read or our own value, retry above any rank seen). Agreement holds only if
 *       every read-modify-write is atomic; the caller compares every worker's decisions.</li>
 * </ol>
 */
public final class ConsensusWorker {
    static final long TIMEOUT_NS = 5_000_000_000L;

    final TreeMap<Integer, String> decisions = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    long retries;
    long contended;

    static String valueOf(int worker) {
        return "worker-" + worker;
    }

    void run(InHostRegisters regs, int worker, int rounds, int instances) {
        AgentRank previous = AgentRank.ZERO;
        for (int k = 1; k <= rounds; k++) {
            AgentRank rank = new AgentRank(k, 0, worker);
            AgentReply r = regs.execute(new AgentRequest.RrRead("fetch-max", 0, rank), TIMEOUT_NS);
            if (!(r instanceof AgentReply.RrReadResult rr)) {
                violations.add("fetch-max read " + k + " got " + r);
                continue;
            }
            if (rr.previousR().compareTo(previous) < 0) {
                violations.add("lost update: read " + k + " of worker " + worker + " saw R " + rr.previousR()
                        + " below its own earlier rank " + previous);
            }
            previous = rank;
        }
        for (int i = 0; i < instances; i++) {
            decisions.put(i, propose(regs, "c" + i, worker));
        }
    }

    private String propose(InHostRegisters regs, String resource, int worker) {
        byte[] own = valueOf(worker).getBytes(StandardCharsets.UTF_8);
        long round = 1;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            AgentRank rank = new AgentRank(round, 0, worker);
            AgentReply r = regs.execute(new AgentRequest.RrRead(resource, 0, rank), TIMEOUT_NS);
            if (!(r instanceof AgentReply.RrReadResult read)) {
                violations.add(resource + ": read got " + r);
                return null;
            }
            if (read.previousR().compareTo(rank) > 0) {
                round = read.previousR().round() + 1;
                retries++;
                continue;
            }
            byte[] value = read.w().isZero() ? own : read.value();
            AgentReply w = regs.execute(new AgentRequest.RrWrite(resource, 0, rank, value), TIMEOUT_NS);
            if (!(w instanceof AgentReply.RrWriteResult wr)) {
                violations.add(resource + ": write got " + w);
                return null;
            }
            if (wr.outcome() == AgentReply.WriteOutcome.COMMITTED) {
                return new String(value, StandardCharsets.UTF_8);
            }
            round = Math.max(round, wr.hint().round()) + 1;
            retries++;
        }
        violations.add(resource + ": no decision after 10000 attempts");
        return null;
    }

    /**
     * {@code FILE WORKER ROUNDS INSTANCES}: prints "ready", waits for a line on stdin (so that all workers start
     * together), then prints "decided I VALUE" and "violation TEXT" lines.
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int worker = Integer.parseInt(args[1]);
        ConsensusWorker w = new ConsensusWorker();
        try (InHostRegisters regs = InHostRegisters.open(file, InHostTestFiles.OPTIONS)) {
            System.out.println("ready");
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            w.run(regs, worker, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            w.contended = regs.lockContended();
        }
        StringBuilder out = new StringBuilder();
        w.decisions.forEach((i, v) -> out.append("decided ").append(i).append(' ').append(v).append('\n'));
        w.violations.forEach(v -> out.append("violation ").append(v).append('\n'));
        out.append("retries ").append(w.retries).append('\n');
        out.append("contended ").append(w.contended).append('\n');
        System.out.print(out);
        System.out.flush();
    }
}
