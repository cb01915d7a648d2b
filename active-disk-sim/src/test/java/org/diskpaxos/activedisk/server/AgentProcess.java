package org.diskpaxos.activedisk.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real agent in its own JVM ({@code java -cp <test class path> AgentMain ...}), for kill -9 tests. */
final class AgentProcess implements AutoCloseable {
    final Process process;
    final InetSocketAddress address;

    private AgentProcess(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    static AgentProcess start(Path dir, List<String> agentArgs) throws IOException {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Djna")) {
                c.add(a);
            }
        }
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(AgentMain.class.getName());
        c.addAll(agentArgs);
        Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.err")
                .toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith(AgentMain.READY_PREFIX)) {
            p.destroyForcibly();
            throw new IOException("agent did not start: " + line + " (see " + dir.resolve("agent.err") + ")");
        }
        String hostPort = line.substring(AgentMain.READY_PREFIX.length()).split(" ")[0];
        return new AgentProcess(p, AgentOptions.parseAddress(hostPort, "agent address"));
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("agent process " + process.pid() + " survived SIGKILL");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
