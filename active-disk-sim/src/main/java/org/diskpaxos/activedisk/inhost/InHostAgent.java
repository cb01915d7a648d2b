package org.diskpaxos.activedisk.inhost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentCallback;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.blockdev.async.EventLoop;

/**
 * An in-host register file as an {@link AgentConnection}: requests run on one worker thread (an msync must not
 * block the caller's loop), replies come back on the loop. Same contract as a network agent: one callback per
 * request, {@code Unavailable} on timeout (a lock held by a paused process) or when {@value #QUEUE_MAX} requests
 * are already waiting.
 */
public final class InHostAgent implements AgentConnection {
    public static final int QUEUE_MAX = 4096;

    private final InHostRegisters registers;
    private final EventLoop loop;
    private final ThreadPoolExecutor worker;
    private boolean closed;

    private InHostAgent(InHostRegisters registers, EventLoop loop) {
        this.registers = registers;
        this.loop = loop;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_MAX),
                r -> {
                    Thread t = new Thread(r, "in-host-" + registers.path().getFileName());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Opens (or creates) {@code file}; replies arrive on {@code loop}. */
    public static InHostAgent open(Path file, InHostOptions options, EventLoop loop) throws IOException {
        return new InHostAgent(InHostRegisters.open(file, options), loop);
    }

    @Override
    public String name() {
        return "in-host " + registers.path();
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    public InHostRegisters registers() {
        return registers;
    }

    @Override
    public void send(AgentRequest request, long timeoutNs, AgentCallback callback) {
        if (timeoutNs <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeoutNs);
        }
        if (closed) {
            loop.execute(() -> callback.done(new AgentReply.Unavailable(name() + ": closed")));
            return;
        }
        boolean[] done = {false};
        EventLoop.Scheduled timer = loop.schedule(timeoutNs, () -> {
            if (!done[0]) {
                done[0] = true;
                callback.done(new AgentReply.Unavailable(name() + ": no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms"));
            }
        });
        try {
            worker.execute(() -> {
                AgentReply reply;
                try {
                    reply = registers.execute(request, timeoutNs);
                } catch (RuntimeException e) {
                    reply = new AgentReply.Unavailable(name() + ": " + e.getMessage());
                }
                AgentReply r = reply;
                loop.execute(() -> {
                    if (!done[0]) {
                        done[0] = true;
                        timer.cancel();
                        callback.done(r);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            timer.cancel();
            done[0] = true;
            loop.execute(() -> callback.done(new AgentReply.Unavailable(name() + ": " + QUEUE_MAX
                    + " requests already waiting")));
        }
    }

    /** Stops taking requests, lets the queued ones finish (bounded), unmaps the file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registers.close();
    }
}
