package org.diskpaxos.activedisk.inhost;

import static org.diskpaxos.activedisk.Calls.rank;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diskpaxos.activedisk.AgentConnection;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.Calls;
import org.diskpaxos.activedisk.ErrorCode;
import org.diskpaxos.activedisk.TestKeys;
import org.diskpaxos.blockdev.async.ThreadedEventLoop;
import org.junit.jupiter.api.Test;

/**
 * The in-host register file runs the agent's register functions, keeps them across reopening, detects damage,
 * takes over locks from dead processes only, syncs state before answering from it in durable mode, and works
 * behind the same AgentConnection interface as a network agent.
 */
class InHostRegistersTest {
    private static final long T = TimeUnit.SECONDS.toNanos(5);

    private static Path file(String name) throws IOException {
        return TestKeys.scratch("inhost").resolve(name);
    }

    @Test
    void registerFunctionsAndBlocksWorkAndSurviveReopening() throws Exception {
        Path f = file("basic.reg");
        try (InHostRegisters r = InHostRegisters.open(f, InHostTestFiles.OPTIONS)) {
            assertEquals(AgentReply.WriteOutcome.COMMITTED, assertInstanceOf(AgentReply.RrWriteResult.class,
                    r.execute(new AgentRequest.RrWrite("a", 2, rank(3, 1), new byte[] {9}), T)).outcome());
            AgentReply.RrReadResult read = assertInstanceOf(AgentReply.RrReadResult.class,
                    r.execute(new AgentRequest.RrRead("a", 2, rank(4, 2)), T));
            assertEquals(rank(3, 1), read.w());
            assertEquals(AgentReply.WriteOutcome.ABORTED, assertInstanceOf(AgentReply.RrWriteResult.class,
                    r.execute(new AgentRequest.RrWrite("a", 3, rank(3, 9), new byte[] {1}), T)).outcome());
            byte[] zero = new byte[AgentLimits.CAS_BLOCK_BYTES];
            byte[] one = zero.clone();
            one[1] = 1;
            assertTrue(assertInstanceOf(AgentReply.CasResult.class,
                    r.execute(new AgentRequest.CompareAndWrite(3, zero, one), T)).swapped());
            assertTrue(!assertInstanceOf(AgentReply.CasResult.class,
                    r.execute(new AgentRequest.CompareAndWrite(3, zero, one), T)).swapped());
        }
        try (InHostRegisters r = InHostRegisters.open(f, InHostTestFiles.OPTIONS)) {
            AgentReply.RrReadResult read = assertInstanceOf(AgentReply.RrReadResult.class,
                    r.execute(new AgentRequest.RrRead("a", 2, AgentRank.ZERO), T));
            assertEquals(rank(4, 2), read.previousR());
            assertArrayEquals(new byte[] {9}, read.value());
            byte[] one = new byte[AgentLimits.CAS_BLOCK_BYTES];
            one[1] = 1;
            assertArrayEquals(one, assertInstanceOf(AgentReply.BlockContent.class,
                    r.execute(new AgentRequest.ReadBlock(3), T)).content());
        }
    }

    @Test
    void aDamagedCopyAnswersCorrupt() throws Exception {
        Path f = file("damaged.reg");
        try (InHostRegisters r = InHostRegisters.open(f, InHostTestFiles.OPTIONS)) {
            r.execute(new AgentRequest.RrWrite("a", 0, rank(1, 1), new byte[] {1}), T);
            long lock = r.lockOffsetOf("a");
            long generation = r.store().readVolatileLong(lock + InHostLayout.R_CONTROL);
            InHostLayout layout = new InHostLayout(256, 8, 16);
            long copy = lock + InHostLayout.R_COPIES + (generation & 1) * layout.resourceCopyBytes();
            r.store().writeByte(copy + 50, (byte) (r.store().readByte(copy + 50) ^ 4));
            AgentReply.Error e = assertInstanceOf(AgentReply.Error.class,
                    r.execute(new AgentRequest.RrRead("a", 0, rank(2, 1)), T));
            assertEquals(ErrorCode.CORRUPT, e.code());
        }
    }

    @Test
    void aLockHeldByADeadProcessIsTakenOverButOneHeldByALiveOneIsNot() throws Exception {
        Path f = file("locks.reg");
        try (InHostRegisters r = InHostRegisters.open(f, InHostTestFiles.OPTIONS.withLockWaitMs(200))) {
            r.execute(new AgentRequest.RrWrite("a", 0, rank(1, 1), new byte[] {1}), T);
            long lock = r.lockOffsetOf("a");
            Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            r.store().writeOrderedLong(lock, (gone.pid() << 32) | 12345);
            assertInstanceOf(AgentReply.RrReadResult.class, r.execute(new AgentRequest.RrRead("a", 0, rank(2, 1)), T));
            assertEquals(1, r.lockSteals());
            // Held by this (live) process, as if by another thread that is stuck: wait, then give up.
            r.store().writeOrderedLong(lock, ProcessLock.TOKEN);
            long start = System.nanoTime();
            AgentReply busy = r.execute(new AgentRequest.RrRead("a", 0, rank(3, 1)), T);
            assertInstanceOf(AgentReply.Unavailable.class, busy);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
            assertEquals(1, r.lockSteals(), "a live holder's lock must never be taken");
            r.store().writeOrderedLong(lock, 0);
            AgentReply.RrReadResult after = assertInstanceOf(AgentReply.RrReadResult.class,
                    r.execute(new AgentRequest.RrRead("a", 0, AgentRank.ZERO), T));
            assertEquals(rank(2, 1), after.previousR(), "the refused read changed nothing");
        }
    }

    @Test
    void durableModeSyncsEveryChangeAndAnyUnsyncedStateBeforeUsingIt() throws Exception {
        Path f = file("durable.reg");
        try (InHostRegisters r = InHostRegisters.open(f, InHostTestFiles.OPTIONS.withDurable(true))) {
            long before = r.msyncs();
            r.execute(new AgentRequest.RrWrite("a", 0, rank(1, 1), new byte[] {1}), T);
            long afterCreateAndWrite = r.msyncs();
            assertTrue(afterCreateAndWrite - before >= 4, "creation and a change each msync twice");
            r.execute(new AgentRequest.RrRead("a", 0, AgentRank.ZERO), T);
            assertEquals(afterCreateAndWrite, r.msyncs(), "an unchanged, synced state needs no msync");
            // Another process published generation g but died before syncing it.
            long lock = r.lockOffsetOf("a");
            long g = r.store().readVolatileLong(lock + InHostLayout.R_CONTROL);
            r.store().writeOrderedLong(lock + InHostLayout.R_SYNCED, g - 1);
            r.execute(new AgentRequest.RrRead("a", 0, AgentRank.ZERO), T);
            assertEquals(afterCreateAndWrite + 1, r.msyncs(), "the unsynced state is synced before it is answered");
        }
    }

    @Test
    void theFileIsBoundedAndRefusesAForeignFile() throws Exception {
        Path f = file("small.reg");
        try (InHostRegisters r = InHostRegisters.open(f, new InHostOptions(2, 2, 1, false, 1000))) {
            r.execute(new AgentRequest.RrRead("a", 0, rank(1, 1)), T);
            r.execute(new AgentRequest.RrRead("b", 0, rank(1, 1)), T);
            AgentReply.Error full = assertInstanceOf(AgentReply.Error.class,
                    r.execute(new AgentRequest.RrRead("c", 0, rank(1, 1)), T));
            assertEquals(ErrorCode.FULL, full.code());
            assertEquals(ErrorCode.BAD_REQUEST, assertInstanceOf(AgentReply.Error.class,
                    r.execute(new AgentRequest.ReadBlock(1), T)).code());
        }
        Path foreign = file("foreign.reg");
        Files.write(foreign, new byte[8192]);
        IOException e = assertThrows(IOException.class, () -> InHostRegisters.open(foreign,
                InHostTestFiles.OPTIONS));
        assertTrue(e.getMessage().contains("not an in-host register file"), e.getMessage());
    }

    @Test
    void threeInHostFilesServeAMajorityRegisterThroughAgentConnection() throws Exception {
        Path dir = TestKeys.scratch("inhost");
        try (ThreadedEventLoop loop = new ThreadedEventLoop("inhost-test")) {
            List<AgentConnection> objects = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                objects.add(InHostAgent.open(dir.resolve("object-" + i + ".reg"), InHostTestFiles.OPTIONS, loop));
            }
            // rrWrite on a majority (objects 0 and 1); a read on another majority (1 and 2) must see it.
            for (AgentConnection c : objects.subList(0, 2)) {
                assertEquals(AgentReply.WriteOutcome.COMMITTED, assertInstanceOf(AgentReply.RrWriteResult.class,
                        Calls.call(c, new AgentRequest.RrWrite("lease", 0, rank(5, 7), new byte[] {42}))).outcome());
            }
            AgentRank highest = AgentRank.ZERO;
            for (AgentConnection c : objects.subList(1, 3)) {
                AgentReply.RrReadResult r = assertInstanceOf(AgentReply.RrReadResult.class,
                        Calls.call(c, new AgentRequest.RrRead("lease", 0, rank(6, 1))));
                highest = AgentRank.max(highest, r.w());
            }
            assertEquals(rank(5, 7), highest);
            for (AgentConnection c : objects) {
                c.close();
            }
            assertInstanceOf(AgentReply.Unavailable.class, Calls.call(objects.get(0),
                    new AgentRequest.Stat()), "a closed connection answers Unavailable");
        }
    }
}
