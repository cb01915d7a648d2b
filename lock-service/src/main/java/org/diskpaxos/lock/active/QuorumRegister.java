package org.diskpaxos.lock.active;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;

/**
 * One agent register {@code (name, instance 0)} read and written directly on a majority of agents, without the
 * consensus client's fence and rank memory: what a heartbeat needs. A heartbeat is written by one process at ever
 * higher ranks ({@code generation << 32 | counter}), read by others at rank zero (which raises no agent's
 * {@code R}), and taken over by a joiner that reads at a rank above the whole old generation and then writes: the
 * ranked register's rules make the old writer's next write abort on every agent the joiner's read reached, so at
 * most one of them can ever again commit on a majority.
 *
 * <p>One request per agent per operation, with the connection's timeout; an operation ends as soon as its outcome
 * is certain. Calls and callbacks on the agents' loop.
 */
final class QuorumRegister {

    /** A majority read: the highest {@code (W, V)} among the answers, and the highest {@code R} before the read. */
    record Read(AgentRank w, byte[] value, AgentRank highestR, int answers) {
    }

    /** How a quorum operation ended. */
    sealed interface Outcome {
    }

    record ReadDone(Read read) implements Outcome {
    }

    /** A majority committed the write. */
    record Committed() implements Outcome {
    }

    /** An agent had a rank at or above the write's: some other process holds the register now. */
    record Aborted(AgentRank hint, String agent) implements Outcome {
    }

    /** No majority answered in time; a write may still take effect. */
    record Unavailable(String reason) implements Outcome {
    }

    private final List<? extends AgentConnection> agents;
    private final String name;
    private final long timeoutNs;

    QuorumRegister(List<? extends AgentConnection> agents, String name, long timeoutNs) {
        this.agents = List.copyOf(agents);
        this.name = Objects.requireNonNull(name, "name");
        this.timeoutNs = timeoutNs;
    }

    String name() {
        return name;
    }

    int majority() {
        return agents.size() / 2 + 1;
    }

    /** {@code rrRead(rank)} on every agent; completes with {@link ReadDone} on a majority of answers. */
    void read(AgentRank rank, Consumer<Outcome> done) {
        Collector c = new Collector(done);
        for (int a = 0; a < agents.size(); a++) {
            AgentConnection agent = agents.get(a);
            agent.send(new AgentRequest.RrRead(name, 0, rank), timeoutNs, reply -> {
                if (reply instanceof AgentReply.RrReadResult r && !r.compacted()) {
                    c.answer(r);
                } else {
                    c.fail(agent.name() + ": " + reply);
                }
            });
        }
    }

    /** {@code rrWrite(rank, value)} on every agent: {@link Committed} on a majority, {@link Aborted} on any abort. */
    void write(AgentRank rank, byte[] value, Consumer<Outcome> done) {
        Collector c = new Collector(done);
        for (int a = 0; a < agents.size(); a++) {
            AgentConnection agent = agents.get(a);
            agent.send(new AgentRequest.RrWrite(name, 0, rank, value), timeoutNs, reply -> {
                if (reply instanceof AgentReply.RrWriteResult w
                        && w.outcome() == AgentReply.WriteOutcome.COMMITTED) {
                    c.committed();
                } else if (reply instanceof AgentReply.RrWriteResult w
                        && w.outcome() == AgentReply.WriteOutcome.ABORTED) {
                    c.aborted(w.hint(), agent.name());
                } else {
                    c.fail(agent.name() + ": " + reply);
                }
            });
        }
    }

    /** The newest instance a majority's {@code readFrom} answers listed, with its highest-ranked value. */
    record Newest(long instance, byte[] value) {
    }

    /**
     * Lists instances {@code >= from} at rank zero (raising no agent's {@code R}, so holders of the resource are not
     * disturbed); {@code done} gets the newest one a majority's answers hold ({@code instance} -1 if none), or null if
     * no majority answered.
     */
    void newestFrom(long from, Consumer<Newest> done) {
        long[] best = {-1};
        AgentRank[] bestW = {AgentRank.ZERO};
        byte[][] bestValue = {null};
        int[] counts = {0, 0};
        boolean[] ended = {false};
        for (AgentConnection agent : agents) {
            agent.send(new AgentRequest.RrReadFrom(name, from, AgentRank.ZERO), timeoutNs, reply -> {
                if (ended[0]) {
                    return;
                }
                if (reply instanceof AgentReply.RrReadFromResult r) {
                    for (AgentReply.InstanceValue iv : r.instances()) {
                        if (iv.instance() > best[0] || iv.instance() == best[0] && iv.w().compareTo(bestW[0]) > 0) {
                            best[0] = iv.instance();
                            bestW[0] = iv.w();
                            bestValue[0] = iv.value();
                        }
                    }
                    if (++counts[0] >= majority()) {
                        ended[0] = true;
                        done.accept(new Newest(best[0], bestValue[0]));
                    }
                } else if (++counts[1] > agents.size() - majority()) {
                    ended[0] = true;
                    done.accept(null);
                }
            });
        }
    }

    /** Gathers one operation's answers; ends it exactly once. */
    private final class Collector {
        private final Consumer<Outcome> done;
        private final List<String> failures = new ArrayList<>();
        private AgentRank bestW = AgentRank.ZERO;
        private byte[] bestValue = new byte[0];
        private AgentRank highestR = AgentRank.ZERO;
        private int answers;
        private boolean ended;

        Collector(Consumer<Outcome> done) {
            this.done = done;
        }

        void answer(AgentReply.RrReadResult r) {
            if (ended) {
                return;
            }
            answers++;
            highestR = AgentRank.max(highestR, r.previousR());
            if (r.w().compareTo(bestW) > 0) {
                bestW = r.w();
                bestValue = r.value();
            }
            if (answers >= majority()) {
                end(new ReadDone(new Read(bestW, bestValue, highestR, answers)));
            }
        }

        void committed() {
            if (!ended && ++answers >= majority()) {
                end(new Committed());
            }
        }

        void aborted(AgentRank hint, String agent) {
            end(new Aborted(hint, agent));
        }

        void fail(String why) {
            if (ended) {
                return;
            }
            failures.add(why);
            if (failures.size() > agents.size() - majority()) {
                end(new Unavailable(name + ": " + failures.size() + " of " + agents.size() + " agents failed ("
                        + String.join("; ", failures) + ")"));
            }
        }

        private void end(Outcome outcome) {
            if (!ended) {
                ended = true;
                done.accept(outcome);
            }
        }
    }
}
