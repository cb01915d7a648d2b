package org.diskpaxos.paxos.active.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.paxos.Rank;
import org.diskpaxos.paxos.RankedRegister;
import org.diskpaxos.paxos.active.ActiveValue;
import org.diskpaxos.paxos.active.ProcessId;
import org.junit.jupiter.api.Test;

/**
 * The client core's rules, one reply at a time: a read answers the highest (W, V) of a majority and stops early on a
 * higher R or a compacted instance; a write commits on a majority of commits and aborts once no majority can
 * commit; silent agents are asked again and the deadline ends an operation; late and malformed replies change
 * nothing; one value per rank; and the fence answers a later instance's read of the same rank, and only that rank.
 */
class ActiveClientCoreTest {
    private static final ProcessId ME = new ProcessId(0xA, 0x1);
    private static final ProcessId OTHER = new ProcessId(0xB, 0x2);
    private static final ProcessId LOWER = new ProcessId(0x1, 0x1);
    private final List<ClientIo> out = new ArrayList<>();

    private static AgentRank ar(Rank r) {
        return Ranks.toAgent(r);
    }

    private static AgentReply.RrReadResult readResult(Rank previousR, Rank w, String value) {
        return new AgentReply.RrReadResult(ar(previousR), ar(w), value == null ? new byte[0]
                : ActiveValue.ofUtf8(value).bytes(), false, 0);
    }

    private static AgentReply.RrWriteResult committed() {
        return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMMITTED, AgentRank.ZERO, 0);
    }

    private static AgentReply.RrWriteResult aborted(Rank hint) {
        return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.ABORTED, ar(hint), 0);
    }

    private <T extends ClientIo> List<T> take(Class<T> kind) {
        List<T> found = new ArrayList<>();
        for (ClientIo io : out) {
            if (kind.isInstance(io)) {
                found.add(kind.cast(io));
            }
        }
        out.clear();
        return found;
    }

    private RankedRegister.ReadOutcome<ActiveValue> readDone() {
        List<ClientIo.ReadDone> done = take(ClientIo.ReadDone.class);
        assertEquals(1, done.size(), "exactly one end of the read");
        return done.get(0).outcome();
    }

    private RankedRegister.Outcome writeDone() {
        List<ClientIo.WriteDone> done = take(ClientIo.WriteDone.class);
        assertEquals(1, done.size(), "exactly one end of the write");
        return done.get(0).outcome();
    }

    @Test
    void aReadAnswersTheHighestWriteOfAMajorityAndIgnoresTheLateThirdReply() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        Rank rank = ME.rank(5);
        core.read(1, 0, rank, out);
        List<ClientIo.Send> sends = take(ClientIo.Send.class);
        assertEquals(3, sends.size());
        assertInstanceOf(AgentRequest.RrRead.class, sends.get(0).request());
        core.onReply(1, 0, readResult(OTHER.rank(1), OTHER.rank(1), "old"), out);
        assertTrue(out.isEmpty(), "one reply of three is not a majority");
        core.onReply(1, 2, readResult(OTHER.rank(3), OTHER.rank(3), "newer"), out);
        RankedRegister.ReadValue<ActiveValue> rv = assertInstanceOf(RankedRegister.ReadValue.class, readDone());
        assertEquals(OTHER.rank(3), rv.rank());
        assertEquals(ActiveValue.ofUtf8("newer"), rv.value());
        core.onReply(1, 1, readResult(Rank.ZERO, Rank.ZERO, null), out);
        assertTrue(out.isEmpty());
        assertEquals(1, core.lateReplies());
    }

    @Test
    void aReadOfNothingAnswersRankZeroAndNoValue() {
        ActiveClientCore core = new ActiveClientCore("r", 1, false);
        core.read(1, 0, ME.rank(1), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, readResult(Rank.ZERO, Rank.ZERO, null), out);
        RankedRegister.ReadValue<ActiveValue> rv = assertInstanceOf(RankedRegister.ReadValue.class, readDone());
        assertEquals(Rank.ZERO, rv.rank());
        assertNull(rv.value());
    }

    @Test
    void aHigherReadRankOrWriteRankPreemptsAtOnce() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.read(1, 0, ME.rank(5), out);
        take(ClientIo.Send.class);
        core.onReply(1, 1, readResult(OTHER.rank(9), Rank.ZERO, null), out);
        assertEquals(OTHER.rank(9), assertInstanceOf(RankedRegister.Preempted.class, readDone()).highestSeen());
        assertEquals(OTHER.rank(9), core.highestSeen());
        core.read(2, 0, ME.rank(10), out);
        take(ClientIo.Send.class);
        core.onReply(2, 0, readResult(Rank.ZERO, OTHER.rank(11), "x"), out);
        assertEquals(OTHER.rank(11), assertInstanceOf(RankedRegister.Preempted.class, readDone()).highestSeen());
        assertEquals(ME.rank(12), core.nextRank(ME));
    }

    @Test
    void anEqualReadRankIsThisProcesssOwnEarlierReadAndDoesNotPreempt() {
        ActiveClientCore core = new ActiveClientCore("r", 1, false);
        core.read(1, 0, ME.rank(5), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, readResult(ME.rank(5), Rank.ZERO, null), out);
        assertInstanceOf(RankedRegister.ReadValue.class, readDone());
    }

    @Test
    void aCompactedInstanceIsSuperseded() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.read(1, 2, ME.rank(5), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, new AgentReply.RrReadResult(AgentRank.ZERO, AgentRank.ZERO, new byte[0], true, 9), out);
        assertEquals(9, assertInstanceOf(RankedRegister.Superseded.class, readDone()).instanceSeen());
        core.write(2, 2, ME.rank(6), ActiveValue.ofUtf8("v"), out);
        take(ClientIo.Send.class);
        core.onReply(2, 1, new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMPACTED, AgentRank.ZERO, 9), out);
        assertEquals(9, assertInstanceOf(RankedRegister.Outcome.Superseded.class, writeDone()).instanceSeen());
    }

    @Test
    void aWriteCommitsOnAMajorityOfCommitsEvenWithOneAbort() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.write(1, 0, ME.rank(5), ActiveValue.ofUtf8("v"), out);
        List<ClientIo.Send> sends = take(ClientIo.Send.class);
        assertEquals(3, sends.size());
        assertInstanceOf(AgentRequest.RrWrite.class, sends.get(0).request());
        core.onReply(1, 0, committed(), out);
        core.onReply(1, 1, aborted(OTHER.rank(7)), out);
        assertTrue(out.isEmpty(), "one commit and one abort decide nothing yet");
        core.onReply(1, 2, committed(), out);
        assertInstanceOf(RankedRegister.Outcome.Committed.class, writeDone());
    }

    @Test
    void aWriteAbortsWhenNoMajorityCanCommitWithTheHighestHint() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.write(1, 0, ME.rank(5), ActiveValue.ofUtf8("v"), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, aborted(OTHER.rank(7)), out);
        core.onReply(1, 1, aborted(OTHER.rank(9)), out);
        assertEquals(OTHER.rank(9), assertInstanceOf(RankedRegister.Outcome.Aborted.class, writeDone())
                .highestSeen());
    }

    @Test
    void aWriteWithOneAbortEndsAbortedOnceEveryAgentHasBeenHeardFrom() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.write(1, 0, ME.rank(5), ActiveValue.ofUtf8("v"), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, committed(), out);
        core.onReply(1, 1, aborted(OTHER.rank(7)), out);
        core.onReply(1, 2, new AgentReply.Unavailable("gone"), out);
        assertEquals(OTHER.rank(7), assertInstanceOf(RankedRegister.Outcome.Aborted.class, writeDone())
                .highestSeen());
        core.onDeadline(1, out);
        assertTrue(out.isEmpty(), "an operation ends once");
    }

    @Test
    void aSilentAgentIsAskedAgainWithTheSameRequestUntilTheDeadline() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.read(1, 0, ME.rank(5), out);
        List<ClientIo.Send> first = take(ClientIo.Send.class);
        core.onReply(1, 0, new AgentReply.Unavailable("timeout"), out);
        core.onReply(1, 1, new AgentReply.Error(ErrorCode.STARTING, "loading"), out);
        assertEquals(2, take(ClientIo.RetryLater.class).size());
        core.retry(1, 0, out);
        List<ClientIo.Send> again = take(ClientIo.Send.class);
        assertEquals(1, again.size());
        assertEquals(first.get(0).request(), again.get(0).request(), "a retry resends the same request");
        core.onDeadline(1, out);
        RankedRegister.ReadUnavailable<ActiveValue> u = assertInstanceOf(RankedRegister.ReadUnavailable.class,
                readDone());
        assertTrue(u.reason().contains("agent 1: STARTING"), u.reason());
        core.retry(1, 1, out);
        assertTrue(out.isEmpty(), "a retry after the end sends nothing");
    }

    @Test
    void refusingOrMalformedAgentsFailTheReadOnceNoMajorityIsLeft() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.read(1, 0, ME.rank(5), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, new AgentReply.Error(ErrorCode.CORRUPT, "slot damaged"), out);
        assertTrue(out.isEmpty());
        core.onReply(1, 1, committed(), out); // a write answer to a read
        RankedRegister.ReadUnavailable<ActiveValue> u = assertInstanceOf(RankedRegister.ReadUnavailable.class,
                readDone());
        assertTrue(u.reason().contains("CORRUPT") && u.reason().contains("answered"), u.reason());
        assertEquals(1, core.malformedReplies());
    }

    @Test
    void neverASecondValueAtOneRankAndNeverBelowTheOwnWrite() {
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        core.write(1, 4, ME.rank(5), ActiveValue.ofUtf8("a"), out);
        take(ClientIo.Send.class);
        core.onDeadline(1, out);
        out.clear();
        core.write(2, 4, ME.rank(5), ActiveValue.ofUtf8("b"), out);
        assertEquals(ME.rank(5), assertInstanceOf(RankedRegister.Outcome.Aborted.class, writeDone()).highestSeen());
        core.read(3, 4, ME.rank(5), out);
        RankedRegister.ReadValue<ActiveValue> own = assertInstanceOf(RankedRegister.ReadValue.class, readDone());
        assertEquals(ActiveValue.ofUtf8("a"), own.value(), "a read at the rank of the own write answers that write");
        core.read(4, 4, ME.rank(4), out);
        assertInstanceOf(RankedRegister.Preempted.class, readDone());
        core.write(5, 4, ME.rank(5), ActiveValue.ofUtf8("a"), out);
        assertEquals(3, take(ClientIo.Send.class).size(), "the same value again is an idempotent retry");
    }

    @Test
    void forgottenWritesStillBlockTheirRanks() {
        ActiveClientCore core = new ActiveClientCore("r", 1, false);
        for (int i = 0; i <= ActiveClientCore.WRITES_REMEMBERED_MAX; i++) {
            core.write(i + 1, i, ME.rank(5), ActiveValue.ofUtf8("v" + i), out);
            core.onDeadline(i + 1, out);
        }
        out.clear();
        core.write(9_999, 0, ME.rank(5), ActiveValue.ofUtf8("other"), out);
        assertInstanceOf(RankedRegister.Outcome.Aborted.class, writeDone());
        core.read(10_000, 0, ME.rank(5), out);
        assertInstanceOf(RankedRegister.Preempted.class, readDone());
    }

    private static AgentReply.RrReadFromResult readFrom(Rank previousR, long lowestKept,
            AgentReply.InstanceValue... values) {
        return new AgentReply.RrReadFromResult(ar(previousR), lowestKept, List.of(values));
    }

    private static AgentReply.InstanceValue iv(long instance, Rank w, String value) {
        return new AgentReply.InstanceValue(instance, ar(w), ActiveValue.ofUtf8(value).bytes());
    }

    @Test
    void theFenceAnswersLaterInstancesAtItsOwnRankWithoutMessages() {
        ActiveClientCore core = new ActiveClientCore("r", 3, true);
        Rank f = core.nextRank(ME);
        core.read(1, 10, f, out);
        List<ClientIo.Send> sends = take(ClientIo.Send.class);
        assertInstanceOf(AgentRequest.RrReadFrom.class, sends.get(0).request());
        core.onReply(1, 0, readFrom(LOWER.rank(0), 5, iv(10, LOWER.rank(0), "ten"), iv(12, LOWER.rank(0), "x")), out);
        core.onReply(1, 2, readFrom(Rank.ZERO, 7, iv(12, LOWER.rank(0), "x")), out);
        RankedRegister.ReadValue<ActiveValue> rv = assertInstanceOf(RankedRegister.ReadValue.class, readDone());
        assertEquals(ActiveValue.ofUtf8("ten"), rv.value());
        assertEquals(f, core.fenceRank());
        assertEquals(f, core.nextRank(ME), "while nothing higher is seen, the next proposal reuses the fence rank");

        core.read(2, 11, f, out);
        rv = assertInstanceOf(RankedRegister.ReadValue.class, readDone());
        assertEquals(Rank.ZERO, rv.rank());
        core.read(3, 12, f, out);
        assertEquals(ActiveValue.ofUtf8("x"), assertInstanceOf(RankedRegister.ReadValue.class, readDone()).value());
        assertEquals(2, core.fenceReads());

        core.read(4, 9, f, out);
        assertEquals(3, take(ClientIo.Send.class).size(), "below the fence's first instance: ask the agents");
        core.read(5, 13, ME.rank(f.round() + 1), out);
        assertEquals(3, take(ClientIo.Send.class).size(), "a higher rank than the fence's: ask the agents");
    }

    @Test
    void aHigherRankSeenEndsTheFastPathForTheNextProposal() {
        ActiveClientCore core = new ActiveClientCore("r", 1, true);
        Rank f = core.nextRank(ME);
        core.read(1, 0, f, out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, readFrom(Rank.ZERO, 0), out);
        readDone();
        core.write(2, 1, f, ActiveValue.ofUtf8("v"), out);
        take(ClientIo.Send.class);
        core.onReply(2, 0, aborted(OTHER.rank(f.round() + 3)), out);
        assertInstanceOf(RankedRegister.Outcome.Aborted.class, writeDone());
        Rank next = core.nextRank(ME);
        assertTrue(next.compareTo(OTHER.rank(f.round() + 3)) > 0 && ME.owns(next), next.toString());
    }

    @Test
    void noFenceFromACompactedOrPreemptedRead() {
        ActiveClientCore core = new ActiveClientCore("r", 1, true);
        core.read(1, 3, ME.rank(2), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, readFrom(Rank.ZERO, 4), out);
        assertInstanceOf(RankedRegister.Superseded.class, readDone());
        assertNull(core.fenceRank());
        core.read(2, 5, ME.rank(3), out);
        take(ClientIo.Send.class);
        core.onReply(2, 0, readFrom(OTHER.rank(4), 4), out);
        assertInstanceOf(RankedRegister.Preempted.class, readDone());
        assertNull(core.fenceRank());
    }

    @Test
    void malformedReadFromAnswersAreRefused() {
        ActiveClientCore core = new ActiveClientCore("r", 1, true);
        core.read(1, 3, ME.rank(2), out);
        take(ClientIo.Send.class);
        core.onReply(1, 0, readFrom(Rank.ZERO, 0, iv(5, OTHER.rank(1), "a"), iv(4, OTHER.rank(1), "b")), out);
        assertInstanceOf(RankedRegister.ReadUnavailable.class, readDone());
        assertEquals(1, core.malformedReplies());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ActiveClientCore("r", 0, false));
        assertThrows(IllegalArgumentException.class, () -> new ActiveClientCore("r", 16, false));
        assertThrows(IllegalArgumentException.class, () -> new ActiveClientCore("", 3, false));
        ActiveClientCore core = new ActiveClientCore("r", 3, false);
        assertThrows(IllegalArgumentException.class, () -> core.read(1, 0, Rank.ZERO, out));
        assertThrows(IllegalArgumentException.class, () -> core.read(1, -1, ME.rank(1), out));
        core.read(1, 0, ME.rank(1), out);
        assertThrows(IllegalStateException.class, () -> core.read(1, 0, ME.rank(2), out));
    }
}
