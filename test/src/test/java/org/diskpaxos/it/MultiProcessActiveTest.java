package org.diskpaxos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentKey;
import org.diskpaxos.activedisk.server.AgentMain;
import org.diskpaxos.lock.bench.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real agents ({@code dplock agent}'s main, each on its own file) and three proposer JVMs of three processes
 * each run Active Disk Paxos consensus on one resource ({@link ActiveProposer}); mid-way the test SIGKILLs one agent
 * and restarts it on the same file and port. Every process must finish, every decision of an instance must be the
 * same value, that value must have been proposed for that instance, and decisions must have been made after the
 * restart (the killed agent's acknowledged state is back, and the system kept going).
 */
class MultiProcessActiveTest {
    private static final int AGENTS = 3;
    private static final int JVMS = 3;
    private static final int PROCESSES_PER_JVM = 3;
    private static final int INSTANCES = 80;

    /** An agent process: its JVM and the port it listens on. */
    private record Agent(Process process, int port) {
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Agent startAgent(Path dir, int index, int port, Path key, boolean init) throws IOException {
        List<String> args = new ArrayList<>(List.of("--device", dir.resolve("agent" + index + ".dev").toString(),
                "--key", key.toString(), "--listen", "127.0.0.1:" + port));
        if (init) {
            args.addAll(List.of("--init", "--name", "agent-" + index, "--resources", "16", "--window", "8",
                    "--cas-blocks", "4"));
        }
        Process p = new ProcessBuilder(ChildJvm.likeThisJvm(AgentMain.class.getName(), args))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("agent" + index + ".err").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith(AgentMain.READY_PREFIX)) {
            p.destroyForcibly();
            throw new IOException("agent " + index + " did not start: " + line + " (see agent" + index + ".err)");
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException e) {
                // the agent is gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Agent(p, port);
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "process " + p.pid() + " survived SIGKILL");
    }

    private static long decidedLines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith("DECIDED ")).count()
                : 0;
    }

    @Test
    void agreementAcrossJvmsWhileAnAgentIsKilledAndRestarted(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("agent.key");
        AgentKey.generate(key);
        Agent[] agents = new Agent[AGENTS];
        List<Process> proposers = new ArrayList<>();
        try {
            StringBuilder addresses = new StringBuilder();
            for (int a = 0; a < AGENTS; a++) {
                agents[a] = startAgent(dir, a, freePort(), key, true);
                addresses.append(a == 0 ? "" : ",").append("127.0.0.1:").append(agents[a].port());
            }
            for (int j = 0; j < JVMS; j++) {
                proposers.add(new ProcessBuilder(ChildJvm.likeThisJvm(ActiveProposer.class.getName(), List.of(
                        addresses.toString(), key.toString(), "jvm" + j, Integer.toString(PROCESSES_PER_JVM),
                        Integer.toString(INSTANCES))))
                        .redirectOutput(dir.resolve("proposer" + j + ".out").toFile())
                        .redirectError(dir.resolve("proposer" + j + ".err").toFile()).start());
            }
            // Mid-way: once some instances are decided, SIGKILL agent 1 and bring it back on its file and port.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (decidedLines(dir.resolve("proposer0.out")) < 5) {
                if (System.nanoTime() > deadline || !proposers.get(0).isAlive()) {
                    fail("no decisions before the kill: " + Files.readString(dir.resolve("proposer0.err")));
                }
                Thread.sleep(20);
            }
            kill(agents[1].process());
            Thread.sleep(300);
            agents[1] = startAgent(dir, 1, agents[1].port(), key, false);
            long restartedAtMs = System.currentTimeMillis();

            TreeMap<Long, String> decided = new TreeMap<>();
            long afterRestart = 0;
            long decisions = 0;
            for (int j = 0; j < JVMS; j++) {
                Process p = proposers.get(j);
                assertTrue(p.waitFor(150, TimeUnit.SECONDS), "proposer " + j + " did not finish");
                List<String> lines = Files.readAllLines(dir.resolve("proposer" + j + ".out"));
                assertEquals(0, p.exitValue(), "proposer " + j + " failed: " + lines.subList(Math.max(0,
                        lines.size() - 5), lines.size()) + " " + Files.readString(dir.resolve("proposer" + j
                        + ".err")));
                assertTrue(lines.contains("DONE"), "proposer " + j + " did not finish its instances");
                for (String l : lines) {
                    if (!l.startsWith("DECIDED ")) {
                        continue;
                    }
                    String[] f = l.split(" ");
                    long atMs = Long.parseLong(f[1]);
                    long instance = Long.parseLong(f[2]);
                    String value = f[3];
                    decisions++;
                    afterRestart += atMs > restartedAtMs ? 1 : 0;
                    assertTrue(value.matches("jvm[0-9]+\\.[0-9]+\\." + instance),
                            "validity: instance " + instance + " decided " + value + ", never proposed for it");
                    String before = decided.putIfAbsent(instance, value);
                    assertTrue(before == null || before.equals(value),
                            "agreement: instance " + instance + " decided " + before + " and " + value);
                }
            }
            System.out.printf("%d decisions of %d instances by %d processes in %d JVMs, %d after the agent restart%n",
                    decisions, decided.size(), JVMS * PROCESSES_PER_JVM, JVMS, afterRestart);
            assertTrue(decided.size() >= INSTANCES / 2, "too few instances decided: " + decided.size());
            assertTrue(afterRestart > 0, "no decision after the agent restart: the test killed it too late");
        } finally {
            for (Process p : proposers) {
                if (p.isAlive()) {
                    kill(p);
                }
            }
            for (Agent a : agents) {
                if (a != null && a.process().isAlive()) {
                    kill(a.process());
                }
            }
        }
    }
}
