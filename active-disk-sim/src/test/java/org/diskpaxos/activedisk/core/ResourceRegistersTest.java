package org.diskpaxos.activedisk.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.ErrorCode;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** The register functions follow algorithms.md §2.4 and §2.7 exactly: commit and abort conditions, retries, window. */
class ResourceRegistersTest {
    private static final byte[] A = {1, 2, 3};
    private static final byte[] B = {9};

    private static AgentRank rank(long round, long id) {
        return new AgentRank(round, 0, id);
    }

    private static AgentReply.RrWriteResult write(ResourceRegisters regs, long instance, AgentRank r, byte[] v) {
        return (AgentReply.RrWriteResult) regs.write(instance, r, v).reply();
    }

    private static AgentReply.RrReadResult read(ResourceRegisters regs, long instance, AgentRank r) {
        return (AgentReply.RrReadResult) regs.read(instance, r).reply();
    }

    @Test
    void readRaisesRAndReturnsTheOldRWithTheStoredPair() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        AgentReply.RrReadResult first = read(regs, 0, rank(5, 1));
        assertEquals(AgentRank.ZERO, first.previousR());
        assertEquals(AgentRank.ZERO, first.w());
        assertEquals(rank(5, 1), regs.r());
        AgentReply.RrReadResult lower = read(regs, 0, rank(3, 1));
        assertEquals(rank(5, 1), lower.previousR());
        assertEquals(rank(5, 1), regs.r(), "a lower read rank must not lower R");
        assertEquals(AgentReply.WriteOutcome.COMMITTED, write(regs, 0, rank(5, 1), A).outcome());
        AgentReply.RrReadResult after = read(regs, 0, rank(6, 1));
        assertEquals(rank(5, 1), after.w());
        assertArrayEquals(A, after.value());
    }

    @Test
    void everyCommitConditionMatchesTheSpecOnASmallRankSpace() {
        List<AgentRank> ranks = List.of(AgentRank.ZERO, rank(1, 1), rank(1, 2), rank(2, 1), new AgentRank(1, -1, 0));
        for (AgentRank rr : ranks) {
            for (AgentRank w : ranks) {
                for (AgentRank r : ranks) {
                    for (byte[] v : List.of(A, B)) {
                        ResourceRegisters regs = new ResourceRegisters("x", 2);
                        if (!w.isZero()) {
                            regs.loadSlot(0, 0, w, A);
                        }
                        regs.loadR(rr);
                        boolean retry = !r.isZero() && w.equals(r) && Arrays.equals(w.isZero() ? new byte[0] : A, v);
                        boolean expected = retry || rr.compareTo(r) <= 0 && w.compareTo(r) < 0;
                        AgentReply.RrWriteResult result = write(regs, 0, r, v);
                        String where = "R=" + rr + " W=" + w + " r=" + r + " v=" + Arrays.toString(v);
                        assertEquals(expected ? AgentReply.WriteOutcome.COMMITTED : AgentReply.WriteOutcome.ABORTED,
                                result.outcome(), where);
                        if (!expected) {
                            assertEquals(AgentRank.max(rr, w), result.hint(), where);
                            assertEquals(w, regs.slotW(0).isZero() ? AgentRank.ZERO : regs.slotW(0), where);
                        } else {
                            assertEquals(r, regs.slotW(0), where);
                            assertArrayEquals(v, regs.slotValue(0), where);
                        }
                        assertEquals(rr, regs.r(), "a write never changes R: " + where);
                    }
                }
            }
        }
    }

    @Test
    void aRetriedWriteCommitsEvenAfterAHigherReadButAnotherValueAborts() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        assertEquals(AgentReply.WriteOutcome.COMMITTED, write(regs, 1, rank(3, 1), A).outcome());
        read(regs, 1, rank(9, 2));
        ResourceRegisters.Result retry = regs.write(1, rank(3, 1), A);
        assertEquals(AgentReply.WriteOutcome.COMMITTED, ((AgentReply.RrWriteResult) retry.reply()).outcome());
        assertFalse(retry.changed(), "a retry changes nothing");
        AgentReply.RrWriteResult other = write(regs, 1, rank(3, 1), B);
        assertEquals(AgentReply.WriteOutcome.ABORTED, other.outcome());
        assertEquals(rank(9, 2), other.hint());
        assertArrayEquals(A, regs.slotValue(1));
    }

    @Test
    void aZeroRankWriteAlwaysAbortsEvenWithAnEmptyValue() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        assertEquals(AgentReply.WriteOutcome.ABORTED, write(regs, 0, AgentRank.ZERO, new byte[0]).outcome());
        assertEquals(-1, regs.slotInstance(0));
    }

    @Test
    void theWindowKeepsTheNewestKInstancesAndCompactsOlderOnes() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(AgentReply.WriteOutcome.COMMITTED, write(regs, i, rank(1, 1), A).outcome());
        }
        assertEquals(0, regs.lowestKept());
        assertEquals(AgentReply.WriteOutcome.COMMITTED, write(regs, 9, rank(1, 1), B).outcome());
        assertEquals(6, regs.lowestKept());
        AgentReply.RrReadResult old = read(regs, 3, rank(2, 1));
        assertTrue(old.compacted());
        assertEquals(AgentRank.ZERO, old.w());
        assertEquals(rank(2, 1), regs.r(), "a read of a compacted instance still fences the resource");
        AgentReply.RrWriteResult late = write(regs, 2, rank(5, 1), A);
        assertEquals(AgentReply.WriteOutcome.COMPACTED, late.outcome());
        assertEquals(6, late.lowestKept());
        AgentReply.RrReadResult gap = read(regs, 7, rank(2, 1));
        assertFalse(gap.compacted());
        assertEquals(AgentRank.ZERO, gap.w(), "slot 3 holds instance 3, so instance 7 was never written");
        assertEquals(AgentReply.WriteOutcome.COMMITTED, write(regs, 7, rank(2, 1), A).outcome());
    }

    @Test
    void readFromReturnsKeptInstancesAtOrAboveTheStartInOrder() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        write(regs, 5, rank(1, 1), A);
        write(regs, 3, rank(1, 1), B);
        write(regs, 6, rank(1, 1), A);
        AgentReply.RrReadFromResult r = (AgentReply.RrReadFromResult) regs.readFrom(4, rank(7, 3)).reply();
        assertEquals(List.of(5L, 6L), r.instances().stream().map(AgentReply.InstanceValue::instance).toList());
        assertEquals(3, r.lowestKept());
        assertEquals(rank(7, 3), regs.r());
        assertEquals(AgentReply.WriteOutcome.ABORTED, write(regs, 8, rank(6, 9), A).outcome(),
                "one readFrom fences every later instance");
    }

    @Test
    void damagedStateAnswersCorruptAndChangesNothing() {
        ResourceRegisters regs = new ResourceRegisters("x", 4);
        regs.markSlotDamaged(1);
        assertEquals(ErrorCode.CORRUPT, ((AgentReply.Error) regs.write(5, rank(1, 1), A).reply()).code());
        assertEquals(ErrorCode.CORRUPT, ((AgentReply.Error) regs.read(1, rank(1, 1)).reply()).code());
        assertEquals(ErrorCode.CORRUPT, ((AgentReply.Error) regs.readFrom(0, rank(1, 1)).reply()).code());
        assertEquals(AgentRank.ZERO, regs.r());
        assertInstanceOf(AgentReply.RrWriteResult.class, regs.write(2, rank(1, 1), A).reply(),
                "other slots still work");
        regs.markRDamaged();
        assertInstanceOf(AgentReply.Error.class, regs.write(2, rank(2, 1), A).reply());
    }

    /** A reference model written straight from the spec, with a map per instance and no slots. */
    private static final class Model {
        final int window;
        AgentRank r = AgentRank.ZERO;
        final TreeMap<Long, AgentRank> w = new TreeMap<>();
        final TreeMap<Long, byte[]> v = new TreeMap<>();

        Model(int window) {
            this.window = window;
        }

        long low() {
            return w.isEmpty() ? 0 : Math.max(0, w.lastKey() - window + 1);
        }

        AgentReply write(long i, AgentRank rank, byte[] value) {
            long low = low();
            if (i < low) {
                return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMPACTED, AgentRank.ZERO, low);
            }
            AgentRank wi = w.getOrDefault(i, AgentRank.ZERO);
            byte[] vi = v.getOrDefault(i, new byte[0]);
            if (!rank.isZero() && wi.equals(rank) && Arrays.equals(vi, value)) {
                return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMMITTED, AgentRank.ZERO, low);
            }
            if (r.compareTo(rank) <= 0 && wi.compareTo(rank) < 0) {
                w.put(i, rank);
                v.put(i, value);
                w.headMap(low()).clear();
                v.headMap(low()).clear();
                return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.COMMITTED, AgentRank.ZERO, low());
            }
            return new AgentReply.RrWriteResult(AgentReply.WriteOutcome.ABORTED, AgentRank.max(r, wi), low);
        }

        AgentReply read(long i, AgentRank rank) {
            AgentRank old = r;
            r = AgentRank.max(r, rank);
            long low = low();
            if (i < low) {
                return new AgentReply.RrReadResult(old, AgentRank.ZERO, new byte[0], true, low);
            }
            return new AgentReply.RrReadResult(old, w.getOrDefault(i, AgentRank.ZERO), v.getOrDefault(i,
                    new byte[0]), false, low);
        }

        AgentReply readFrom(long from, AgentRank rank) {
            AgentRank old = r;
            r = AgentRank.max(r, rank);
            List<AgentReply.InstanceValue> list = new ArrayList<>();
            w.tailMap(Math.max(from, low())).forEach((i, wi) -> list.add(new AgentReply.InstanceValue(i, wi,
                    v.get(i))));
            return new AgentReply.RrReadFromResult(old, low(), list);
        }
    }

    @Test
    void randomOperationSequencesAgreeWithAMapBasedModelOfTheSpec() {
        Gen<long[]> op = SourceDSL.longs().between(0, 2).zip(SourceDSL.longs().between(0, 20),
                SourceDSL.longs().between(0, 6), SourceDSL.longs().between(0, 3),
                (kind, instance, round, id) -> new long[] {kind, instance, round, id});
        qt().withExamples(300).withFixedSeed(42).forAll(SourceDSL.lists().of(op).ofSizeBetween(1, 60),
                SourceDSL.integers().between(1, 5)).checkAssert((ops, window) -> {
                    ResourceRegisters regs = new ResourceRegisters("x", window);
                    Model model = new Model(window);
                    for (long[] o : ops) {
                        AgentRank rank = rank(o[2], o[3]);
                        byte[] value = new byte[] {(byte) o[3], (byte) o[1]};
                        AgentReply expected;
                        AgentReply actual;
                        if (o[0] == 0) {
                            expected = model.write(o[1], rank, value);
                            actual = regs.write(o[1], rank, value).reply();
                        } else if (o[0] == 1) {
                            expected = model.read(o[1], rank);
                            actual = regs.read(o[1], rank).reply();
                        } else {
                            expected = model.readFrom(o[1], rank);
                            actual = regs.readFrom(o[1], rank).reply();
                        }
                        assertEquals(expected, actual, () -> "after " + ops.size() + " ops, window " + window);
                    }
                });
    }
}
