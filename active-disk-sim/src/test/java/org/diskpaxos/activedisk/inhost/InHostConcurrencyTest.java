package org.diskpaxos.activedisk.inhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.TestKeys;
import org.junit.jupiter.api.Test;

/**
 * Read-modify-writes on an in-host register file are atomic among threads and among processes: contenders running
 * Paxos on single registers always agree, and fetch-max reads never lose an update.
 */
class InHostConcurrencyTest {
    private static final int ROUNDS = 1500;
    /** Long enough that the worker JVMs surely overlap on one lock word. */
    private static final int PROCESS_ROUNDS = 20_000;
    private static final int INSTANCES = 150;

    private static void assertAgreement(List<Map<Integer, String>> all, int workers) {
        for (int i = 0; i < INSTANCES; i++) {
            String first = all.get(0).get(i);
            assertNotNull(first, "instance " + i + " undecided");
            assertTrue(first.startsWith("worker-"), "not a proposed value: " + first);
            for (Map<Integer, String> d : all) {
                assertEquals(first, d.get(i), "instance " + i + ": workers decided differently");
            }
        }
        assertEquals(workers, all.size());
    }

    @Test
    void threadsWithTheirOwnMappingsAgreeAndLoseNoUpdate() throws Exception {
        Path file = TestKeys.scratch("inhost").resolve("threads.reg");
        int workers = 4;
        List<ConsensusWorker> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<InHostRegisters> files = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            InHostRegisters regs = InHostRegisters.open(file, InHostTestFiles.OPTIONS);
            files.add(regs);
            ConsensusWorker worker = new ConsensusWorker();
            results.add(worker);
            int id = w;
            threads.add(new Thread(() -> worker.run(regs, id, ROUNDS, INSTANCES)));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        long contended = 0;
        for (InHostRegisters r : files) {
            contended += r.lockContended();
            r.close();
        }
        List<Map<Integer, String>> decisions = new ArrayList<>();
        long retries = 0;
        for (ConsensusWorker w : results) {
            assertEquals(List.of(), w.violations);
            decisions.add(w.decisions);
            retries += w.retries;
        }
        assertAgreement(decisions, workers);
        assertTrue(contended > 0, "no contention (consensus retries " + retries + ", contended locks "
                + contended + "): the test proves nothing");
    }

    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Djna")) {
                command.add(a);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    @Test
    void aLockHolderKilledWithSigkillIsTakenOverAndItsRegisterIsIntact() throws Exception {
        Path file = TestKeys.scratch("inhost").resolve("killed.reg");
        try (InHostRegisters regs = InHostRegisters.open(file, InHostTestFiles.OPTIONS.withLockWaitMs(5_000))) {
            regs.execute(new AgentRequest.RrWrite("held", 0,
                    new AgentRank(3, 0, 1), new byte[] {3}), ConsensusWorker.TIMEOUT_NS);
            List<String> c = javaCommand();
            c.addAll(List.of(LockHolder.class.getName(), file.toString(), "held"));
            Process holder = new ProcessBuilder(c).redirectError(file.resolveSibling("holder.err").toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("held", out.readLine());
            holder.destroyForcibly().waitFor();
            AgentReply r = regs.execute(new AgentRequest.RrRead(
                    "held", 0, new AgentRank(4, 0, 1)), ConsensusWorker.TIMEOUT_NS);
            AgentReply.RrReadResult read = assertInstanceOf(AgentReply.RrReadResult.class, r);
            assertEquals(new AgentRank(3, 0, 1), read.w());
            assertEquals(1, regs.lockSteals(), "the dead holder's lock was taken over");
        }
    }

    @Test
    void processesAgreeAndLoseNoUpdate() throws Exception {
        Path file = TestKeys.scratch("inhost").resolve("processes.reg");
        InHostRegisters.open(file, InHostTestFiles.OPTIONS).close();
        int workers = 3;
        List<String> command = javaCommand();
        command.add(ConsensusWorker.class.getName());
        List<Process> processes = new ArrayList<>();
        for (int w = 1; w <= workers; w++) {
            List<String> c = new ArrayList<>(command);
            c.addAll(List.of(file.toString(), String.valueOf(w), String.valueOf(PROCESS_ROUNDS),
                    String.valueOf(INSTANCES)));
            processes.add(new ProcessBuilder(c).redirectError(file.resolveSibling("worker-" + w + ".err").toFile())
                    .start());
        }
        List<BufferedReader> outputs = new ArrayList<>();
        for (Process p : processes) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = r.readLine();
            assertEquals("ready", first, "worker did not start");
            outputs.add(r);
        }
        for (Process p : processes) {
            p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
        }
        List<Map<Integer, String>> decisions = new ArrayList<>();
        long retries = 0;
        long contended = 0;
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            TreeMap<Integer, String> d = new TreeMap<>();
            List<String> violations = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            try (BufferedReader r = outputs.get(i)) {
                for (String line; (line = r.readLine()) != null; ) {
                    all.append(line).append('\n');
                    String[] f = line.split(" ", 3);
                    if (f[0].equals("decided")) {
                        d.put(Integer.parseInt(f[1]), f[2]);
                    } else if (f[0].equals("violation")) {
                        violations.add(line);
                    } else if (f[0].equals("retries")) {
                        retries += Long.parseLong(f[1]);
                    } else if (f[0].equals("contended")) {
                        contended += Long.parseLong(f[1]);
                    }
                }
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "worker did not finish");
            assertEquals(0, p.exitValue(), all::toString);
            assertEquals(List.of(), violations);
            decisions.add(d);
        }
        assertAgreement(decisions, workers);
        assertTrue(contended > 0, "the processes never contended for a lock (consensus retries " + retries
                + "): the test proves nothing");
    }
}
