package org.diskpaxos.activedisk.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diskpaxos.activedisk.AgentLimits;
import org.diskpaxos.activedisk.AgentRank;
import org.diskpaxos.activedisk.AgentReply;
import org.diskpaxos.activedisk.AgentRequest;
import org.diskpaxos.activedisk.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * The agent core answers every operation, holds every reply until what it observed is durable, shares syncs among
 * concurrent requests, survives reloads and torn batches, detects damaged sectors, and enforces its limits.
 */
class AgentCoreTest {
    private static final byte[] V1 = {1};
    private static final byte[] V2 = {2, 2};

    private static AgentRank rank(long round, long id) {
        return new AgentRank(round, 0, id);
    }

    private static AgentReply.RrWriteResult asWrite(AgentReply r) {
        return assertInstanceOf(AgentReply.RrWriteResult.class, r);
    }

    private static AgentReply.RrReadResult asRead(AgentReply r) {
        return assertInstanceOf(AgentReply.RrReadResult.class, r);
    }

    @Test
    void aWriteIsAnsweredOnlyAfterItsBatchIsSynced() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 4, 4, CoreOptions.defaults());
        d.request(1, new AgentRequest.RrWrite("res", 0, rank(1, 1), V1));
        assertNull(d.reply(1), "no reply before the sync");
        assertEquals(1, d.pendingFlushes.size());
        assertTrue(d.completeFlush());
        assertEquals(AgentReply.WriteOutcome.COMMITTED, asWrite(d.reply(1)).outcome());
    }

    @Test
    void aReadOfAnotherClientsUnsyncedWriteWaitsForThatSync() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 4, 4, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("res", 0, rank(1, 1), V1));
        d.request(2, new AgentRequest.RrWrite("res", 0, rank(2, 1), V2));
        d.request(3, new AgentRequest.RrRead("res", 0, AgentRank.ZERO));
        assertNull(d.reply(3), "the read saw W=2.1, which is not durable yet");
        d.settle();
        assertEquals(rank(2, 1), asRead(d.reply(3)).w());
        d.request(4, new AgentRequest.RrRead("res", 0, AgentRank.ZERO));
        assertNotNull(d.reply(4), "nothing unsynced observed: answered at once");
    }

    @Test
    void concurrentRequestsShareOneSyncWithGroupCommitAndEachPaysItsOwnWithout() {
        int n = 50;
        MemoryAgentDevice grouped = MemoryAgentDevice.fresh(64, 4, 0, CoreOptions.defaults());
        MemoryAgentDevice single = MemoryAgentDevice.fresh(64, 4, 0, new CoreOptions(false, 1000));
        for (MemoryAgentDevice d : List.of(grouped, single)) {
            for (int i = 0; i < n; i++) {
                d.request(i, new AgentRequest.RrWrite("r" + i, 0, rank(1, 1), V1));
            }
            d.settle();
            for (int i = 0; i < n; i++) {
                assertEquals(AgentReply.WriteOutcome.COMMITTED, asWrite(d.reply(i)).outcome());
            }
        }
        assertEquals(2, grouped.syncs, "the first request's batch, then one batch for the other 49");
        assertEquals(n, single.syncs, "one sync per request");
        assertEquals(2, grouped.core.counters().batches());
    }

    @Test
    void withoutGroupCommitRequestsRunInOrderOneAtATime() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 4, 0, new CoreOptions(false, 10));
        d.request(1, new AgentRequest.RrWrite("x", 0, rank(1, 1), V1));
        d.request(2, new AgentRequest.RrRead("x", 0, rank(5, 1)));
        d.request(3, new AgentRequest.RrWrite("x", 0, rank(2, 1), V2));
        assertEquals(1, d.pendingFlushes.size(), "the second waits for the first's sync");
        d.settle();
        assertEquals(AgentReply.WriteOutcome.COMMITTED, asWrite(d.reply(1)).outcome());
        assertEquals(rank(1, 1), asRead(d.reply(2)).w());
        assertEquals(AgentReply.WriteOutcome.ABORTED, asWrite(d.reply(3)).outcome(), "the read at 5 came first");
    }

    @Test
    void registersSurviveAReloadFromTheDevice() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(8, 4, 4, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 3, rank(2, 7), V1));
        d.call(2, new AgentRequest.RrRead("a", 3, rank(4, 1)));
        d.call(3, new AgentRequest.RrWrite("b", 10, rank(1, 1), V2));
        d.call(4, new AgentRequest.RrWrite("a", 3, rank(4, 1), V2));
        byte[] block = new byte[AgentLimits.CAS_BLOCK_BYTES];
        block[0] = 42;
        d.call(5, new AgentRequest.CompareAndWrite(2, new byte[AgentLimits.CAS_BLOCK_BYTES], block));
        d.load(CoreOptions.defaults());
        AgentReply.RrReadResult a = asRead(d.call(10, new AgentRequest.RrRead("a", 3, AgentRank.ZERO)));
        assertEquals(rank(4, 1), a.previousR());
        assertEquals(rank(4, 1), a.w());
        assertArrayEquals(V2, a.value());
        AgentReply.RrReadResult b = asRead(d.call(11, new AgentRequest.RrRead("b", 10, AgentRank.ZERO)));
        assertEquals(rank(1, 1), b.w());
        assertArrayEquals(block, assertInstanceOf(AgentReply.BlockContent.class,
                d.call(12, new AgentRequest.ReadBlock(2))).content());
        assertEquals(List.of("a", "b"), d.core.resourceNames());
    }

    @Test
    void aTornBatchLosesOnlyItsOwnUnacknowledgedChanges() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 4, 0, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.call(2, new AgentRequest.RrRead("a", 0, rank(3, 1)));
        d.request(3, new AgentRequest.RrRead("a", 0, rank(5, 1)));
        d.request(4, new AgentRequest.RrWrite("a", 1, rank(5, 1), V2));
        // Power loss during the batch: its header write lands as garbage, its instance write not at all.
        CoreOutput.Flush torn = d.pendingFlushes.remove(0);
        for (SectorWrite w : torn.writes()) {
            byte[] garbage = w.bytes().clone();
            garbage[100] ^= 0x55;
            d.sectors[(int) w.sector()] = garbage;
            break;
        }
        assertNull(d.reply(3));
        d.load(CoreOptions.defaults());
        AgentReply.RrReadResult after = asRead(d.call(9, new AgentRequest.RrRead("a", 0, AgentRank.ZERO)));
        assertEquals(rank(3, 1), after.previousR(), "the acknowledged R survives in the other copy");
        assertEquals(rank(1, 1), after.w());
    }

    @Test
    void aDamagedRegisterAnswersCorruptWhileOthersWork() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 4, 4, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.call(2, new AgentRequest.RrWrite("b", 0, rank(1, 1), V1));
        var g = d.superblock.geometry();
        // Flip a bit in both copies of resource a's instance slot 0: no valid copy is left.
        for (int copy = 0; copy < 2; copy++) {
            d.sectors[(int) g.instanceSector(0, 0, copy)][200] ^= 1;
        }
        CoreLoader loader = d.load(CoreOptions.defaults());
        assertEquals(1, loader.damagedRecords());
        assertTrue(loader.damage().get(0).contains("BAD_CHECKSUM"), loader.damage().toString());
        AgentReply.Error e = assertInstanceOf(AgentReply.Error.class,
                d.call(3, new AgentRequest.RrRead("a", 0, rank(2, 1))));
        assertEquals(ErrorCode.CORRUPT, e.code());
        assertEquals(AgentReply.WriteOutcome.COMMITTED,
                asWrite(d.call(4, new AgentRequest.RrWrite("a", 1, rank(2, 1), V2))).outcome());
        assertEquals(rank(1, 1), asRead(d.call(5, new AgentRequest.RrRead("b", 0, rank(2, 1)))).w());
    }

    @Test
    void aDamagedHeaderOfUnknownNameBlocksCreationButNotExistingResources() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 2, 0, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrRead("a", 0, rank(1, 1)));
        d.call(2, new AgentRequest.RrRead("b", 0, rank(1, 1)));
        var g = d.superblock.geometry();
        for (int copy = 0; copy < 2; copy++) {
            d.sectors[(int) g.resourceHeaderSector(1, copy)][60] ^= 8;
        }
        d.load(CoreOptions.defaults());
        assertEquals(List.of("a"), d.core.resourceNames());
        AgentReply.Error e = assertInstanceOf(AgentReply.Error.class,
                d.call(3, new AgentRequest.RrWrite("c", 0, rank(2, 1), V1)));
        assertEquals(ErrorCode.CORRUPT, e.code());
        assertTrue(e.message().contains("'c'"), e.message());
        assertInstanceOf(AgentReply.RrWriteResult.class, d.call(4, new AgentRequest.RrWrite("a", 0, rank(2, 1), V1)));
    }

    @Test
    void aDamagedHeaderWhoseInstancesNameItMakesThatResourceCorrupt() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 2, 0, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        var g = d.superblock.geometry();
        for (int copy = 0; copy < 2; copy++) {
            d.sectors[(int) g.resourceHeaderSector(0, copy)][60] ^= 8;
        }
        d.load(CoreOptions.defaults());
        assertEquals(ErrorCode.CORRUPT, assertInstanceOf(AgentReply.Error.class,
                d.call(2, new AgentRequest.RrRead("a", 0, rank(0, 0)))).code());
        assertInstanceOf(AgentReply.RrWriteResult.class, d.call(3, new AgentRequest.RrWrite("z", 0, rank(2, 1), V1)),
                "the lost header's name is known, so creating other resources is safe");
    }

    @Test
    void aLeftoverFromAnUnsyncedCreationIsNotResurrected() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(2, 2, 0, CoreOptions.defaults());
        d.request(1, new AgentRequest.RrWrite("x", 1, rank(1, 1), V1));
        CoreOutput.Flush lost = d.pendingFlushes.remove(0);
        var g = d.superblock.geometry();
        for (SectorWrite w : lost.writes()) {
            if (w.sector() == g.instanceSector(0, 1, 1)) {
                d.sectors[(int) w.sector()] = w.bytes();
            }
        }
        d.load(CoreOptions.defaults());
        assertEquals(List.of(), d.core.resourceNames(), "the header never landed: no resource");
        assertEquals(AgentRank.ZERO, asRead(d.call(2, new AgentRequest.RrRead("x", 1, rank(3, 1)))).w());
        d.load(CoreOptions.defaults());
        assertEquals(AgentRank.ZERO, asRead(d.call(3, new AgentRequest.RrRead("x", 1, rank(3, 1)))).w(),
                "the re-creation wiped the leftover, so the acknowledged empty read stays true");
    }

    @Test
    void aFullAgentRefusesNewResourcesWithANamedError() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(2, 2, 0, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.call(2, new AgentRequest.RrWrite("b", 0, rank(1, 1), V1));
        AgentReply.Error e = assertInstanceOf(AgentReply.Error.class,
                d.call(3, new AgentRequest.RrWrite("c", 0, rank(1, 1), V1)));
        assertEquals(ErrorCode.FULL, e.code());
        assertTrue(e.message().contains("all 2 resource slots") && e.message().contains("--resources"),
                e.message());
        assertInstanceOf(AgentReply.RrReadResult.class, d.call(4, new AgentRequest.RrRead("c", 0, AgentRank.ZERO)),
                "a rank-zero read of an unknown resource needs no slot");
    }

    @Test
    void pendingRequestsAreBoundedAndTheRestAreOverloaded() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(64, 2, 0, new CoreOptions(true, 3));
        for (int i = 0; i < 5; i++) {
            d.request(i, new AgentRequest.RrWrite("r" + i, 0, rank(1, 1), V1));
        }
        assertEquals(3, d.core.pendingCount());
        assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(AgentReply.Error.class, d.reply(3)).code());
        assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(AgentReply.Error.class, d.reply(4)).code());
        d.settle();
        assertInstanceOf(AgentReply.RrWriteResult.class, d.reply(2));
    }

    @Test
    void aFailedSyncStopsTheCoreAndFailsEveryWaitingRequest() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 2, 0, CoreOptions.defaults());
        d.request(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.request(2, new AgentRequest.RrWrite("a", 1, rank(1, 1), V1));
        CoreOutput.Flush f = d.pendingFlushes.remove(0);
        List<CoreOutput> out = new ArrayList<>();
        d.core.batchDone(f.batchId(), false, "EIO", out);
        d.handle(out);
        assertEquals(ErrorCode.STORAGE_FAILED, assertInstanceOf(AgentReply.Error.class, d.reply(1)).code());
        assertEquals(ErrorCode.STORAGE_FAILED, assertInstanceOf(AgentReply.Error.class, d.reply(2)).code());
        d.request(3, new AgentRequest.Stat());
        assertEquals(ErrorCode.STORAGE_FAILED, assertInstanceOf(AgentReply.Error.class, d.reply(3)).code());
        assertTrue(d.pendingFlushes.isEmpty());
    }

    @Test
    void compareAndWriteSwapsOnlyOnAMatchAndChecksTheBlockNumber() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(1, 1, 2, CoreOptions.defaults());
        byte[] zero = new byte[AgentLimits.CAS_BLOCK_BYTES];
        byte[] one = zero.clone();
        one[5] = 1;
        AgentReply.CasResult first = assertInstanceOf(AgentReply.CasResult.class,
                d.call(1, new AgentRequest.CompareAndWrite(1, zero, one)));
        assertTrue(first.swapped());
        AgentReply.CasResult second = assertInstanceOf(AgentReply.CasResult.class,
                d.call(2, new AgentRequest.CompareAndWrite(1, zero, zero)));
        assertEquals(false, second.swapped());
        assertArrayEquals(one, second.current());
        assertEquals(ErrorCode.BAD_REQUEST, assertInstanceOf(AgentReply.Error.class,
                d.call(3, new AgentRequest.ReadBlock(2))).code());
    }

    @Test
    void statReportsIdentityCapacityAndCounters() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(4, 2, 3, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.call(2, new AgentRequest.RrWrite("a", 0, rank(1, 1), V1));
        d.call(3, new AgentRequest.RrWrite("a", 0, AgentRank.ZERO, V1));
        AgentReply.StatResult s = assertInstanceOf(AgentReply.StatResult.class, d.call(4, new AgentRequest.Stat()));
        assertEquals("test-agent", s.agentName());
        assertEquals(0x1234, s.agentIdHigh());
        assertEquals(1, s.counter("commits"));
        assertEquals(1, s.counter("retry_commits"));
        assertEquals(1, s.counter("aborts"));
        assertEquals(1, s.counter("resources_used"));
        assertEquals(4, s.counter("resources_max"));
        assertEquals(3, s.counter("cas_blocks"));
    }

    @Test
    void eachRecordGetsOneNewGenerationPerBatchSoTheSyncedCopyIsNeverOverwrittenInTheSameBatch() {
        MemoryAgentDevice d = MemoryAgentDevice.fresh(2, 2, 0, CoreOptions.defaults());
        d.call(1, new AgentRequest.RrRead("a", 0, rank(1, 1)));
        d.request(2, new AgentRequest.RrRead("a", 0, rank(2, 1)));
        d.request(3, new AgentRequest.RrRead("a", 0, rank(3, 1)));
        d.request(4, new AgentRequest.RrRead("a", 0, rank(4, 1)));
        d.request(5, new AgentRequest.RrRead("a", 0, rank(5, 1)));
        var g = d.superblock.geometry();
        for (CoreOutput.Flush f : d.pendingFlushes) {
            long headerWrites = f.writes().stream().filter(w -> w.sector() == g.resourceHeaderSector(0, 0)
                    || w.sector() == g.resourceHeaderSector(0, 1)).count();
            assertTrue(headerWrites <= 1, "batch " + f.batchId() + " writes both header copies");
        }
        d.settle();
        d.load(CoreOptions.defaults());
        assertEquals(rank(5, 1), d.core.registers("a").r());
    }
}
