package org.diskpaxos.activedisk.core;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentReply;

/** What the core counts; reported by {@code stat}. Names are the stat counter names. */
public final class CoreCounters {
    long requests;
    long rrReads;
    long rrReadFroms;
    long rrWrites;
    long compareAndWrites;
    long blockReads;
    long stats;
    long commits;
    long retryCommits;
    long aborts;
    long compacted;
    long casSwapped;
    long casMismatched;
    long errors;
    long overloaded;
    long resourcesCreated;
    long changes;
    long batches;
    long sectorsWritten;
    long heldMax;

    public long requests() {
        return requests;
    }

    public long commits() {
        return commits;
    }

    public long retryCommits() {
        return retryCommits;
    }

    public long aborts() {
        return aborts;
    }

    public long batches() {
        return batches;
    }

    public long sectorsWritten() {
        return sectorsWritten;
    }

    public long casSwapped() {
        return casSwapped;
    }

    public long overloaded() {
        return overloaded;
    }

    public long errors() {
        return errors;
    }

    List<AgentReply.Counter> list() {
        List<AgentReply.Counter> c = new ArrayList<>();
        c.add(new AgentReply.Counter("requests", requests));
        c.add(new AgentReply.Counter("rr_reads", rrReads));
        c.add(new AgentReply.Counter("rr_read_froms", rrReadFroms));
        c.add(new AgentReply.Counter("rr_writes", rrWrites));
        c.add(new AgentReply.Counter("compare_and_writes", compareAndWrites));
        c.add(new AgentReply.Counter("block_reads", blockReads));
        c.add(new AgentReply.Counter("stats", stats));
        c.add(new AgentReply.Counter("commits", commits));
        c.add(new AgentReply.Counter("retry_commits", retryCommits));
        c.add(new AgentReply.Counter("aborts", aborts));
        c.add(new AgentReply.Counter("compacted", compacted));
        c.add(new AgentReply.Counter("cas_swapped", casSwapped));
        c.add(new AgentReply.Counter("cas_mismatched", casMismatched));
        c.add(new AgentReply.Counter("errors", errors));
        c.add(new AgentReply.Counter("overloaded", overloaded));
        c.add(new AgentReply.Counter("resources_created", resourcesCreated));
        c.add(new AgentReply.Counter("changes", changes));
        c.add(new AgentReply.Counter("batches", batches));
        c.add(new AgentReply.Counter("sectors_written", sectorsWritten));
        c.add(new AgentReply.Counter("held_max", heldMax));
        return c;
    }
}
