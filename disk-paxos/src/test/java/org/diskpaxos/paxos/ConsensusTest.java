package org.diskpaxos.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Consensus over a scripted ranked register: it writes back the value it read, retries above the rank that beat
 * it, gives up after repeated unavailability, and keeps its backoff window bounded even when attempts are slow
 * (simulator seed 197 once saw windows of seconds).
 */
class ConsensusTest {

    private final ManualLoop loop = new ManualLoop();

    /** A register whose answers the test scripts; each operation takes {@code operationNs} of loop time. */
    private final class ScriptedRegister implements RankedRegister<String> {
        final List<Object> reads = new ArrayList<>();
        final List<Object> writes = new ArrayList<>();
        final List<Rank> ranks = new ArrayList<>();
        /** Every operation in order: "read RANK" or "write RANK VALUE". */
        final List<String> ops = new ArrayList<>();
        long operationNs;
        int readIndex;
        int writeIndex;

        @Override
        public void rrRead(Rank rank, Callback<ReadOutcome<String>> callback) {
            ranks.add(rank);
            ops.add("read " + rank);
            @SuppressWarnings("unchecked")
            ReadOutcome<String> o = (ReadOutcome<String>) reads.get(Math.min(readIndex++, reads.size() - 1));
            loop.schedule(operationNs, () -> callback.done(o));
        }

        @Override
        public void rrWrite(Rank rank, String value, Callback<Outcome> callback) {
            ops.add("write " + rank + " " + value);
            Outcome o = (Outcome) writes.get(Math.min(writeIndex++, writes.size() - 1));
            loop.schedule(operationNs, () -> callback.done(o));
        }
    }

    private Consensus.Decision<String> propose(ScriptedRegister r, Consensus<String> c) {
        AtomicReference<Consensus.Decision<String>> out = new AtomicReference<>();
        c.propose(r, Rank.ofHost(1, 3), "mine", out::set);
        loop.advance(3_600_000_000_000L);
        return out.get();
    }

    @Test
    void adoptsTheValueReadAndRetriesAboveTheRankThatBeatIt() {
        ScriptedRegister r = new ScriptedRegister();
        r.reads.add(new RankedRegister.Preempted<String>(Rank.ofHost(4, 7)));
        r.reads.add(new RankedRegister.ReadValue<>(Rank.ofHost(4, 7), "theirs"));
        r.writes.add(new RankedRegister.Outcome.Committed());
        Consensus<String> c = new Consensus<>(loop, RandomSource.seeded(1), 1_000_000, 4);
        Consensus.Decision<String> d = propose(r, c);
        assertEquals("theirs", assertInstanceOf(Consensus.Decision.Decided.class, d).value());
        assertEquals(Rank.ofHost(1, 3), r.ranks.get(0));
        assertEquals(Rank.ofHost(5, 3), r.ranks.get(1), "the retry must use this process's smallest rank above 4.7");
    }

    @Test
    void repeatedUnavailabilityFailsWithTheReason() {
        ScriptedRegister r = new ScriptedRegister();
        r.reads.add(new RankedRegister.ReadUnavailable<String>("disks gone"));
        Consensus<String> c = new Consensus<>(loop, RandomSource.seeded(2), 1_000_000, 4);
        Consensus.Decision<String> d = propose(r, c);
        assertEquals("disks gone", assertInstanceOf(Consensus.Decision.Failed.class, d).reason());
        assertEquals(Consensus.UNAVAILABLE_MAX, r.ranks.size());
    }

    @Test
    void theBackoffWindowStaysBoundedWhenAttemptsAreSlow() {
        ScriptedRegister r = new ScriptedRegister();
        r.operationNs = 80_000_000L; // each attempt takes 80 ms
        for (int i = 0; i < 50; i++) {
            r.reads.add(new RankedRegister.Preempted<String>(Rank.ofHost(i + 1, 9)));
        }
        r.reads.add(new RankedRegister.ReadValue<String>(Rank.ZERO, null));
        r.writes.add(new RankedRegister.Outcome.Committed());
        long slotNs = 2_000_000L;
        int doublings = 6;
        Consensus<String> c = new Consensus<>(loop, RandomSource.seeded(3), slotNs, doublings);
        assertInstanceOf(Consensus.Decision.Decided.class, propose(r, c));
        long capNs = slotNs << doublings;
        long longest = 0;
        for (int i = 0; i < loop.scheduledDelaysNs.size(); i++) {
            if (loop.scheduledDelaysNs.get(i) != r.operationNs) {
                longest = Math.max(longest, loop.scheduledDelaysNs.get(i));
            }
        }
        assertTrue(longest > 0, "no backoff was scheduled");
        assertTrue(longest <= capNs, "backoff " + longest + " ns exceeds the cap " + capNs + " ns");
    }

    private Consensus.Decision<String> proposeFast(ScriptedRegister r, Consensus<String> c) {
        AtomicReference<Consensus.Decision<String>> out = new AtomicReference<>();
        c.proposeAtLowestRank(r, Rank.ofHost(0, 3), "mine", out::set);
        loop.advance(3_600_000_000_000L);
        return out.get();
    }

    @Test
    void theFastRoundWritesAtOnceAndDecidesInOneOperation() {
        ScriptedRegister r = new ScriptedRegister();
        r.reads.add(new RankedRegister.ReadValue<String>(Rank.ZERO, null));
        r.writes.add(new RankedRegister.Outcome.Committed());
        Consensus.Decision<String> d = proposeFast(r, new Consensus<>(loop, RandomSource.seeded(4), 1_000_000, 4));
        Consensus.Decision.Decided<?> decided = assertInstanceOf(Consensus.Decision.Decided.class, d);
        assertEquals("mine", decided.value());
        assertEquals(Rank.ofHost(0, 3), decided.rank());
        assertEquals(List.of("write 0.3 mine"), r.ops, "no read before the fast round's write");
    }

    @Test
    void anAbortedFastRoundRetriesWithAReadAboveTheRankThatBeatIt() {
        ScriptedRegister r = new ScriptedRegister();
        r.writes.add(new RankedRegister.Outcome.Aborted(Rank.ofHost(1, 7)));
        r.writes.add(new RankedRegister.Outcome.Committed());
        r.reads.add(new RankedRegister.ReadValue<>(Rank.ofHost(1, 7), "theirs"));
        Consensus.Decision<String> d = proposeFast(r, new Consensus<>(loop, RandomSource.seeded(5), 1_000_000, 4));
        assertEquals("theirs", assertInstanceOf(Consensus.Decision.Decided.class, d).value());
        assertEquals(List.of("write 0.3 mine", "read 2.3", "write 2.3 theirs"), r.ops,
                "after the fast round, the usual read-then-write at a rank above 1.7, adopting the value read");
    }

    @Test
    void anUnavailableFastRoundRetriesAtRoundOneAndKeepsItsOwnValue() {
        ScriptedRegister r = new ScriptedRegister();
        r.writes.add(new RankedRegister.Outcome.Unavailable("disk 1 timed out"));
        r.writes.add(new RankedRegister.Outcome.Committed());
        // The read returns the fast round's own write (it may have landed on a majority): its value is kept.
        r.reads.add(new RankedRegister.ReadValue<>(Rank.ofHost(0, 3), "mine"));
        Consensus.Decision<String> d = proposeFast(r, new Consensus<>(loop, RandomSource.seeded(6), 1_000_000, 4));
        assertEquals("mine", assertInstanceOf(Consensus.Decision.Decided.class, d).value());
        assertEquals(List.of("write 0.3 mine", "read 1.3", "write 1.3 mine"), r.ops);
    }
}
