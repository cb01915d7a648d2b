package org.diskpaxos.paxos.active;

import java.util.Objects;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;

/**
 * The ranked register of one consensus instance of one resource, emulated by Active Disk Paxos over the
 * resource's agents (Chockler and Malkhi): made by {@link ActiveResource#register}, which does the work. The
 * {@link org.diskpaxos.paxos.Consensus} layer runs on it unchanged:
 * <pre>
 *   ActiveResource resource = new ActiveResource("orders", agents, ProcessId.random(), ActiveOptions.defaults());
 *   consensus.propose(resource.register(7), resource.nextRank(), ActiveValue.ofUtf8("me"), decision -&gt; ...);
 * </pre>
 * Starting each proposal at {@link ActiveResource#nextRank()} is what makes the fast path work: while this process
 * holds the highest rank, it is the rank of the last read, and that read's fence answers the next instance's read
 * without a message.
 *
 * <p>At most one operation is in progress per register object (the {@link RankedRegister} contract); calls and
 * callbacks happen on the resource's event loop. Any number of registers of one resource may be busy at once.
 */
public final class ActiveRankedRegister implements RankedRegister<ActiveValue> {
    private final ActiveResource resource;
    private final long instance;
    private boolean busy;

    ActiveRankedRegister(ActiveResource resource, long instance) {
        this.resource = resource;
        this.instance = instance;
    }

    public ActiveResource resource() {
        return resource;
    }

    public long instance() {
        return instance;
    }

    @Override
    public void rrRead(Rank rank, Callback<ReadOutcome<ActiveValue>> callback) {
        Objects.requireNonNull(callback, "callback");
        begin();
        try {
            resource.read(instance, rank, outcome -> {
                busy = false;
                callback.done(outcome);
            });
        } catch (RuntimeException e) {
            busy = false;
            throw e;
        }
    }

    @Override
    public void rrWrite(Rank rank, ActiveValue value, Callback<Outcome> callback) {
        Objects.requireNonNull(callback, "callback");
        begin();
        try {
            resource.write(instance, rank, value, outcome -> {
                busy = false;
                callback.done(outcome);
            });
        } catch (RuntimeException e) {
            busy = false;
            throw e;
        }
    }

    private void begin() {
        if (busy) {
            throw new IllegalStateException("resource '" + resource.name() + "' instance " + instance
                    + ": an operation is already in progress on this register");
        }
        busy = true;
    }

    @Override
    public String toString() {
        return "ActiveRankedRegister[" + resource.name() + "/" + instance + "]";
    }
}
